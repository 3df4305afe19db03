// Describes the machine and runtime a result was measured on (numbers without it are
// meaningless): date, Node version, CPU model and core count, OS. Reads nothing private.
import { arch, availableParallelism, cpus, platform, release } from 'node:os';

export interface MachineInfo {
  date: string;
  node: string;
  cpuModel: string;
  cores: number;
  os: string;
}

export function machineInfo(now: Date = new Date()): MachineInfo {
  return {
    date: `${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    node: process.version,
    cpuModel: cpus()[0]?.model.trim() || 'unknown CPU',
    cores: availableParallelism(),
    os: `${platform()} ${release()} ${arch()}`,
  };
}

// Describes the machine and runtime a result was measured on (numbers without it are
// meaningless): date, Node version, CPU model and core count, OS, and how busy it already was.
// Reads nothing private.
import { arch, availableParallelism, cpus, loadavg, platform, release } from 'node:os';

export interface MachineInfo {
  date: string;
  node: string;
  cpuModel: string;
  cores: number;
  os: string;
  /** 1-minute load average when the run started: other work on the machine skews the numbers. */
  loadAverage: number;
}

export function machineInfo(now: Date = new Date()): MachineInfo {
  return {
    date: `${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    node: process.version,
    cpuModel: cpus()[0]?.model.trim() || 'unknown CPU',
    cores: availableParallelism(),
    os: `${platform()} ${release()} ${arch()}`,
    loadAverage: loadavg()[0] ?? 0,
  };
}

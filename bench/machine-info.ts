// Describes the machine and runtime a result was measured on (numbers without it are
// meaningless): date, Node version, CPU model and core count, OS, and how busy the CPUs already
// were just before the run. Reads nothing private.
import { readFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, platform, release } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

export interface MachineInfo {
  date: string;
  node: string;
  cpuModel: string;
  cores: number;
  os: string;
  /**
   * Share (0..1) of all CPU time that was busy over a short window before the run, i.e. other
   * work competing with the bench; undefined where /proc/stat does not exist. Unlike the load
   * average it does not remember the build that `npm run bench` runs first.
   */
  busyBefore: number | undefined;
}

export async function machineInfo(now: Date = new Date(), windowMs = 1_000): Promise<MachineInfo> {
  return {
    date: `${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    node: process.version,
    cpuModel: cpus()[0]?.model.trim() || 'unknown CPU',
    cores: availableParallelism(),
    os: `${platform()} ${release()} ${arch()}`,
    busyBefore: await cpuBusyShare(windowMs),
  };
}

async function cpuBusyShare(windowMs: number): Promise<number | undefined> {
  const before = readCpuTimes();
  if (!before) return undefined;
  await sleep(windowMs);
  const after = readCpuTimes();
  if (!after || after.total <= before.total) return undefined;
  return 1 - (after.idle - before.idle) / (after.total - before.total);
}

/** The aggregate "cpu" line of /proc/stat: idle (idle + iowait) and total jiffies. */
function readCpuTimes(): { idle: number; total: number } | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    if (values.length < 5 || values.some((v) => !Number.isFinite(v))) return undefined;
    return { idle: values[3]! + values[4]!, total: values.reduce((sum, v) => sum + v, 0) };
  } catch {
    return undefined;
  }
}

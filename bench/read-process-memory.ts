// Reads a process's resident memory from /proc/<pid>/status (Linux): VmRSS now and VmHWM, the
// peak. Returns undefined elsewhere or when the process is gone; never asks the process itself,
// so the measurement costs the measured process nothing.
import { readFileSync } from 'node:fs';

export interface ProcessMemory {
  rssBytes: number;
  peakRssBytes: number;
}

export function readProcessMemory(pid: number): ProcessMemory | undefined {
  if (process.platform !== 'linux') return undefined;
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const rss = kibibytes(status, 'VmRSS');
  const peak = kibibytes(status, 'VmHWM');
  return rss === undefined ? undefined : { rssBytes: rss * 1024, peakRssBytes: (peak ?? rss) * 1024 };
}

function kibibytes(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  return match ? Number(match[1]) : undefined;
}

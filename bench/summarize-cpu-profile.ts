// Summarises a V8 .cpuprofile (from node --cpu-prof) into where the time went: self time per
// function and per package/area (a dependency, the gateway's own files, Node internals, GC).
// Pure over the parsed JSON; reads no files itself.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileLine {
  name: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Busy time: everything but (idle). */
  busyMs: number;
  functions: ProfileLine[];
  areas: ProfileLine[];
}

export function summarizeCpuProfile(profile: CpuProfile, top = 15, root = ''): ProfileSummary {
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + Math.max(0, deltas[i] ?? 0));

  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    totalUs += us;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const file = shortUrl(url, root);
    const name = `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const area = areaOf(functionName, url);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const rank = (map: Map<string, number>, n: number): ProfileLine[] =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, us]) => ({ name, selfMs: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }));
  return { totalMs: totalUs / 1000, busyMs: busyUs / 1000, functions: rank(byFunction, top), areas: rank(byArea, top) };
}

/** node_modules/<package>, the gateway's own folder (dist/main/gateway ...), node:internal, or a V8 bucket. */
export function areaOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0] === 'internal' ? `internal/${url.split('/')[1] ?? ''}` : url.slice(5)}`;
  const own = /\/dist\/(main\/[^/]+|bin|bench)\//.exec(url) ?? /\/(bin)\//.exec(url);
  if (own) return own[1]!;
  return url;
}

function shortUrl(url: string, root: string): string {
  let short = url.replace(/^file:\/\//, '');
  if (root && short.startsWith(root)) short = short.slice(root.length);
  return short.replace(/^.*node_modules\//, '');
}

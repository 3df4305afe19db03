import { describe, expect, it } from 'vitest';
import { areaOf, summarizeCpuProfile, type CpuProfile } from '../../bench/summarize-cpu-profile.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

/** root, idle, one gateway function, one fastify function, one anonymous node internal. */
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('handle', 'file:///repo/dist/main/gateway/proxy-inference.js', 9) },
    { id: 4, callFrame: frame('route', 'file:///repo/node_modules/fastify/lib/route.js', 99) },
    { id: 5, callFrame: frame('', 'node:internal/streams/readable', 4) },
  ],
  samples: [2, 3, 3, 4, 2, 5, 5],
  // µs since the previous sample; a negative delta (clock skew) counts as nothing.
  timeDeltas: [100, 200, 300, 400, 1000, 150, -50],
};

describe('summarize-cpu-profile', () => {
  it.each([
    ['a dependency', 'f', 'file:///repo/node_modules/fastify/lib/route.js', 'fastify'],
    ['a scoped dependency', 'f', 'file:///repo/node_modules/@fastify/ajv-compiler/index.js', '@fastify/ajv-compiler'],
    ['a dependency nested in another', 'f', 'file:///repo/node_modules/a/node_modules/b/x.js', 'a'],
    ['a Node internal, by subsystem', 'f', 'node:internal/streams/readable', 'node:internal/streams'],
    ['a public Node module', 'f', 'node:http', 'node:http'],
    ['the gateway, by folder', 'f', 'file:///repo/dist/main/gateway/proxy-inference.js', 'main/gateway'],
    ['the bench scripts', 'f', 'file:///repo/dist/bench/floor-proxy.js', 'bench'],
    ['the CLI entry', 'f', 'file:///repo/bin/switchboard.js', 'bin'],
    ['anything else, as its URL', 'f', 'file:///elsewhere/x.js', 'file:///elsewhere/x.js'],
    ['a V8 bucket', '(garbage collector)', '', '(garbage collector)'],
    ['native code without a URL', 'JSON.parse', '', '(native)'],
  ])('areaOf puts %s in its own area', (_name, functionName, url, area) => {
    expect(areaOf(functionName, url)).toBe(area);
  });

  it('counts idle time in the total but not in the busy time', () => {
    const summary = summarizeCpuProfile(PROFILE, 10, '/repo/');
    expect(summary.totalMs).toBeCloseTo(2.15, 10);
    expect(summary.busyMs).toBeCloseTo(1.05, 10);
  });

  it('ranks functions by self time, named with their file and 1-based line, as shares of busy time', () => {
    const summary = summarizeCpuProfile(PROFILE, 10, '/repo/');
    expect(summary.functions.map((f) => [f.name, f.selfMs])).toEqual([
      ['handle dist/main/gateway/proxy-inference.js:10', 0.5],
      ['route fastify/lib/route.js:100', 0.4],
      ['(anonymous) node:internal/streams/readable:5', 0.15],
    ]);
    expect(summary.functions[0]!.share).toBeCloseTo(0.5 / 1.05, 10);
    expect(summary.functions.reduce((sum, f) => sum + f.share, 0)).toBeCloseTo(1, 10);
  });

  it('adds self time up per area', () => {
    const summary = summarizeCpuProfile(PROFILE, 10, '/repo/');
    expect(summary.areas.map((a) => [a.name, a.selfMs])).toEqual([['main/gateway', 0.5], ['fastify', 0.4], ['node:internal/streams', 0.15]]);
  });

  it.each([1, 2])('keeps only the top %i lines', (top) => {
    const summary = summarizeCpuProfile(PROFILE, top, '/repo/');
    expect(summary.functions).toHaveLength(top);
    expect(summary.areas).toHaveLength(top);
  });

  it('reports nothing busy for a profile without samples', () => {
    expect(summarizeCpuProfile({ nodes: PROFILE.nodes })).toEqual({ totalMs: 0, busyMs: 0, functions: [], areas: [] });
  });

  it('reports a profile of nothing but idle time as no busy time and no lines', () => {
    const summary = summarizeCpuProfile({ nodes: PROFILE.nodes, samples: [2], timeDeltas: [500] });
    expect(summary).toEqual({ totalMs: 0.5, busyMs: 0, functions: [], areas: [] });
  });
});

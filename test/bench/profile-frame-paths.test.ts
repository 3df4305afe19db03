import { describe, expect, it } from 'vitest';
import { createFrameResolver, rulePathOfFile, rulePathOfUrl } from '../../bench/profile-frame-paths.js';

const BUNDLE = 'file:///repo/dist/main/switchboard.mjs';
/** Generated line 0 comes from gateway/a.js, line 1 from undici (relative to dist/main/, as rolldown writes them). */
const MAP = JSON.stringify({
  version: 3, file: 'switchboard.mjs', names: [],
  sources: ['gateway/plugins/authenticate.js', '../../node_modules/undici/lib/dispatcher/client-h1.js'],
  mappings: 'AAAA;ACAA',
});

describe('profile-frame-paths', () => {
  it.each([
    ['/repo/dist/main/gateway/proxy-inference.js', 'main/gateway/proxy-inference'],
    ['/repo/node_modules/fastify/lib/route.js', 'node_modules/fastify/lib/route'],
    ['/repo/node_modules/a/node_modules/undici/index.js', 'node_modules/undici/index'],
    ['/repo/dist/bench/floor-proxy.js', 'bench/floor-proxy'],
    ['/elsewhere/x.mjs', '/elsewhere/x'],
  ])('rulePathOfFile(%s) is %s', (file, path) => {
    expect(rulePathOfFile(file)).toBe(path);
  });

  it('keeps node: and V8\'s empty URLs as they are', () => {
    expect(rulePathOfUrl('node:_http_outgoing')).toBe('node:_http_outgoing');
    expect(rulePathOfUrl('node:internal/timers')).toBe('node:internal/timers');
    expect(rulePathOfUrl('')).toBe('');
    expect(rulePathOfUrl('file:///repo/node_modules/better-sqlite3/lib/methods/transaction.js')).toBe('node_modules/better-sqlite3/lib/methods/transaction');
  });

  it('maps a bundle frame back to its source file through the map beside it, reading each map once', () => {
    const reads: string[] = [];
    const resolve = createFrameResolver((file) => {
      reads.push(file);
      return file === '/repo/dist/main/switchboard.mjs' ? MAP : undefined;
    });
    expect(resolve({ functionName: 'authenticate', url: BUNDLE, lineNumber: 0, columnNumber: 4 })).toBe('main/gateway/plugins/authenticate');
    expect(resolve({ functionName: 'writeH1', url: BUNDLE, lineNumber: 1, columnNumber: 10 })).toBe('node_modules/undici/lib/dispatcher/client-h1');
    expect(resolve({ functionName: 'other', url: 'file:///repo/dist/bench/floor-proxy.js', lineNumber: 3, columnNumber: 0 })).toBe('bench/floor-proxy');
    expect(reads).toEqual(['/repo/dist/main/switchboard.mjs', '/repo/dist/bench/floor-proxy.js']);
  });

  it('keeps the bundle\'s own path for a position the map does not cover', () => {
    const resolve = createFrameResolver(() => JSON.stringify({ version: 3, names: [], sources: [], mappings: '' }));
    expect(resolve({ functionName: 'f', url: BUNDLE, lineNumber: 5, columnNumber: 0 })).toBe('main/switchboard');
  });
});

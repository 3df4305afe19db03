import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locateGateway, reachableHost } from '../../../main/cli/locate-gateway.js';
import { readRuntimeFile, removeRuntimeFile, writeRuntimeFile } from '../../../main/cli/runtime-file.js';
import { statSync, writeFileSync } from 'node:fs';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-locate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const runtime = { url: 'http://127.0.0.1:5123', pid: 4242, version: '0.1.0', startedAt: '2026-12-05T00:00:00.000Z' };
const location = (port?: number) => ({ host: '127.0.0.1', port, dataDir: dir, configFile: undefined });

describe('locateGateway', () => {
  it('uses the port given, ahead of the runtime file', () => {
    writeRuntimeFile(dir, runtime);
    expect(locateGateway(location(6000), () => true)).toEqual({ url: 'http://127.0.0.1:6000', pid: undefined, startFlags: '--port 6000' });
  });

  it('uses the runtime file of a live serve', () => {
    writeRuntimeFile(dir, runtime);
    expect(locateGateway(location(), (pid) => pid === 4242)).toEqual({ url: runtime.url, pid: 4242, startFlags: '' });
  });

  it('falls back to the default port when the serve that wrote the file is gone', () => {
    writeRuntimeFile(dir, runtime);
    expect(locateGateway(location(), () => false).url).toBe('http://127.0.0.1:4141');
  });

  it('falls back to the default port without a runtime file, or with one that is not ours', () => {
    expect(locateGateway(location(), () => true).url).toBe('http://127.0.0.1:4141');
    writeFileSync(join(dir, 'gateway.json'), '{"url":"file:///etc/passwd","pid":1}');
    expect(locateGateway(location(), () => true).url).toBe('http://127.0.0.1:4141');
  });

  it.each([['0.0.0.0', '127.0.0.1'], ['::', '[::1]'], ['::1', '[::1]'], ['192.168.1.5', '192.168.1.5'], ['localhost', 'localhost']])('reaches a gateway bound to %s at %s', (host, reached) => {
    expect(reachableHost(host)).toBe(reached);
  });
});

describe('the runtime file', () => {
  it('is written owner-only and read back', () => {
    writeRuntimeFile(dir, runtime);
    expect(statSync(join(dir, 'gateway.json')).mode & 0o777).toBe(0o600);
    expect(readRuntimeFile(dir)).toEqual(runtime);
  });

  it('is removed only by the process it names', () => {
    writeRuntimeFile(dir, runtime);
    removeRuntimeFile(dir, 1);
    expect(readRuntimeFile(dir)).toEqual(runtime);
    removeRuntimeFile(dir, 4242);
    expect(readRuntimeFile(dir)).toBeUndefined();
  });
});

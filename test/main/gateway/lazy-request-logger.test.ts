import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { lazyRequestLogger } from '../../../main/gateway/lazy-request-logger.js';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const logger = pino({ level }, destination);
  return { logger, lines, flush: () => new Promise<void>((resolve) => setImmediate(resolve)) };
}

describe('lazyRequestLogger', () => {
  it('makes no child for a request that logs nothing, nor for one that logs below the level', async () => {
    const { logger, lines, flush } = capture('info');
    const child = vi.spyOn(logger, 'child');
    const log = lazyRequestLogger(logger, { reqId: 'r1' }, {});
    log.debug('dropped');
    log.trace({ a: 1 }, 'dropped too');
    await flush();
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });

  it('logs through a child bound to the request id, made once', async () => {
    const { logger, lines, flush } = capture('info');
    const child = vi.spyOn(logger, 'child');
    const log = lazyRequestLogger(logger, { reqId: 'r2' }, {});
    log.info({ route: '/v1/chat/completions' }, 'first');
    log.error(new Error('boom'), 'second');
    log.warn('third');
    await flush();
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.map((line) => [line.reqId, line.msg])).toEqual([['r2', 'first'], ['r2', 'second'], ['r2', 'third']]);
    expect(lines[0]!.route).toBe('/v1/chat/completions');
    expect((lines[1]!.err as { message: string }).message).toBe('boom');
  });

  it("honours a route's own level (logLevel) over the parent's", async () => {
    const { logger, lines, flush } = capture('info');
    const log = lazyRequestLogger(logger, { reqId: 'r3' }, { level: 'debug' });
    expect(log.level).toBe('debug');
    log.debug('kept');
    await flush();
    expect(lines.map((line) => line.msg)).toEqual(['kept']);
  });

  it("reports the parent's level until a child exists, and a level set on it sticks", async () => {
    const { logger, lines, flush } = capture('warn');
    const log = lazyRequestLogger(logger, { reqId: 'r4' }, {});
    expect(log.level).toBe('warn');
    log.info('dropped');
    log.level = 'info';
    log.info('kept');
    await flush();
    expect(logger.level).toBe('warn');
    expect(lines.map((line) => [line.reqId, line.msg])).toEqual([['r4', 'kept']]);
  });

  it("grandchildren keep the request's bindings", async () => {
    const { logger, lines, flush } = capture('info');
    const log = lazyRequestLogger(logger, { reqId: 'r5' }, {});
    log.child({ part: 'relay' }).info('nested');
    await flush();
    expect(lines).toEqual([expect.objectContaining({ reqId: 'r5', part: 'relay', msg: 'nested' })]);
  });
});

// The logger every entry point uses (CLI and desktop app), written at trace level to a capture:
// whatever a log call is handed, the keys in it never reach the output (S41) — by path for the
// headers and fields known to carry them, and as a last line by exact value for every secret the
// gateway holds (the admin key, provider keys as they are resolved), and by key shape.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, requestLineLogger } from '../../main/create-logger.js';
import { createSecretRedactor } from '../../main/metering/redact-secrets.js';

const MASTER = 'adminpass-without-key-shape-0001';
const PROVIDER = 'azure0123456789abcdef0123456789ab';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const mask = createSecretRedactor();
  const log = createLogger({ level: 'trace', destination, mask });
  return { log, mask, text: () => lines.join('') };
}

describe('createLogger', () => {
  it.each(['authorization', 'proxy-authorization', 'x-api-key', 'x-goog-api-key', 'api-key', 'cookie'])(
    'redacts the %s header wherever a headers object is logged',
    (name) => {
      const { log, text } = capture();
      const value = `Bearer tok${name}-value-0123456789`;
      log.trace({ req: { headers: { [name]: value } } }, 'request');
      log.trace({ res: { headers: { [name]: value } } }, 'response');
      log.trace({ err: { headers: { [name]: value } } }, 'error');
      log.trace({ headers: { [name]: value } }, 'bare');
      expect(text()).toContain('[redacted]');
      expect(text()).not.toContain(`tok${name}-value`);
    },
  );

  it("never writes an HTTP parser error's raw packet (the request bytes, Authorization header included)", () => {
    const { log, text } = capture();
    const err = Object.assign(new Error('Parse Error: Invalid method encountered'), {
      code: 'HPE_INVALID_METHOD',
      rawPacket: Buffer.from(`XX / HTTP/1.1\r\nAuthorization: Bearer ${MASTER}\r\n\r\n`),
    });
    log.trace({ err }, 'client error');
    expect(text()).toContain('HPE_INVALID_METHOD');
    expect(text()).not.toContain('"data":[');
    expect(text()).not.toContain(MASTER);
  });

  it('masks every secret it is told about, added after the logger was made, wherever it appears', () => {
    const { log, mask, text } = capture();
    mask.remember(MASTER);
    mask.remember(PROVIDER);
    log.info(`a message quoting ${MASTER}`);
    log.warn({ detail: { nested: [`upstream said ${PROVIDER}`] } }, 'upstream error');
    log.error({ err: new Error(`bad key ${PROVIDER}`, { cause: new Error(`cause holds ${MASTER}`) }) }, 'failed');
    expect(text()).not.toContain(MASTER);
    expect(text()).not.toContain(PROVIDER);
    expect(text()).toContain('upstream error');
  });

  it('masks key-shaped strings it was not told about', () => {
    const { log, text } = capture();
    log.info({ url: 'http://127.0.0.1:9/v1?x=1', note: 'Bearer abcdefgh12345678 and sk-proj-ABCDEFGHIJKLMNOPQRST' }, 'shapes');
    expect(text()).not.toContain('abcdefgh12345678');
    expect(text()).not.toContain('sk-proj-ABCDEFGHIJKLMNOPQRST');
  });

  describe('requestLineLogger (the per-request line)', () => {
    it('writes the same line shape, still masks every secret the gateway holds, and leaves the parent redacting by path', () => {
      const { log, mask, text } = capture();
      mask.remember(MASTER);
      const line = requestLineLogger(log);
      line.info({ request: { requestId: 'r1', app: `curl ${MASTER}`, model: 'gpt', key: 'field-named-key' } }, 'request');
      log.info({ request: { key: 'parent-still-redacts' } }, 'other');
      const [first, second] = text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(first).toMatchObject({ level: 30, msg: 'request', request: { requestId: 'r1', model: 'gpt', key: 'field-named-key' } });
      expect(Object.keys(first!)).toEqual(['level', 'time', 'pid', 'hostname', 'request', 'msg']);
      expect(text()).not.toContain(MASTER);
      expect(second!.request).toEqual({ key: '[redacted]' });
    });

    it("keeps the parent's level: above info, no line", () => {
      const { log, text } = capture();
      log.level = 'warn';
      requestLineLogger(log).info({ request: { requestId: 'r2' } }, 'request');
      expect(text()).toBe('');
    });
  });
});


// What the loopback test servers (mock-upstream, scripted-loopback-server) record of a request
// they receive: its headers flattened to lower-case strings, its body as text (whatever arrived
// when the client leaves mid-body), and that body as JSON when it is JSON.
import type { IncomingMessage } from 'node:http';

export function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The whole body as text; whatever arrived if the client leaves mid-body. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    const done = () => resolve(Buffer.concat(parts).toString('utf8'));
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.once('end', done);
    req.once('close', done);
  });
}

export function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

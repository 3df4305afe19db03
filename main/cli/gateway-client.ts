// The CLI's HTTP client for a running gateway's admin API: JSON in and out, the admin key as a
// Bearer header (never printed, never put in a URL), and errors turned into one line a person
// can act on: not running (with how to start it), refused key, or the gateway's own message.
import type { GatewayTarget } from './locate-gateway.js';

/** Why a command failed, as one line; `exitCode` 1 for every runtime failure. */
export class CliFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliFailure';
  }
}

export interface GatewayClient {
  readonly url: string;
  get<T>(path: string, options?: { timeoutMs?: number }): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

const TIMEOUT_MS = 10_000;

export function createGatewayClient(target: GatewayTarget, adminKey: string | undefined, options: { timeoutMs?: number } = {}): GatewayClient {
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = options.timeoutMs ?? TIMEOUT_MS): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${target.url}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(adminKey === undefined ? {} : { authorization: `Bearer ${adminKey}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw new CliFailure(`the gateway at ${target.url} did not answer ${method} ${path} within ${Math.round(timeoutMs / 1000)} s`);
      throw notRunning(target);
    }
    const text = await response.text();
    if (!response.ok) throw new CliFailure(describeRefusal(response.status, text, adminKey !== undefined, path));
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliFailure(`the server at ${target.url} answered ${path} with something other than JSON: is it a Switchboard gateway?`);
    }
  };
  return { url: target.url, get: (path, callOptions) => call('GET', path, undefined, callOptions?.timeoutMs), post: (path, body) => call('POST', path, body) };
}

export function notRunning(target: GatewayTarget): CliFailure {
  const flags = target.startFlags === '' ? '' : ` ${target.startFlags}`;
  return new CliFailure(`No Switchboard gateway is running at ${target.url}. Start one with \`switchboard serve${flags}\` (or \`npm start${flags === '' ? '' : ` --${flags}`}\` in the project folder).`);
}

function describeRefusal(status: number, text: string, sentKey: boolean, path: string): string {
  const message = gatewayMessage(text);
  if (status === 401) {
    return sentKey
      ? `the gateway refused the admin key (${message ?? 'invalid key'}): SWITCHBOARD_MASTER_KEY, or general_settings.master_key of --config, must be the key it was started with`
      : 'the gateway needs its admin key: set SWITCHBOARD_MASTER_KEY, or pass --config with the file whose general_settings.master_key it uses';
  }
  return `the gateway answered ${status} to ${path}: ${message ?? text.slice(0, 200)}`;
}

/** The message of an OpenAI-shaped error body, the shape every management route answers in. */
function gatewayMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    return typeof body.error?.message === 'string' ? body.error.message : undefined;
  } catch {
    return undefined;
  }
}

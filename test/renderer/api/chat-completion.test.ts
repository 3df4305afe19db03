// The API client's one inference call, for the playground: sent as the session unless the user
// pasted a key, streamed (the raw Response), and a Stop that aborts it is not "unreachable".
import { describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../../../renderer/src/api/create-api-client.js';
import { ApiError } from '../../../renderer/src/api/api-error.js';

function client(adminKey: string | null, respond: () => Promise<Response> = async () => new Response('data: [DONE]\n\n')) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return respond();
  });
  return { api: createApiClient({ adminKey, fetch: fetchImpl as unknown as typeof fetch }), calls };
}

const headersOf = (init: RequestInit) => init.headers as Record<string, string>;

describe('createApiClient chatCompletion', () => {
  it('posts the body to /v1/chat/completions as the admin session by default', async () => {
    const { api, calls } = client('sk-admin');
    const response = await api.chatCompletion({ model: 'm', stream: true });
    expect(await response.text()).toBe('data: [DONE]\n\n');
    expect(calls[0]!.url).toBe('/v1/chat/completions');
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.body).toBe('{"model":"m","stream":true}');
    expect(headersOf(calls[0]!.init).authorization).toBe('Bearer sk-admin');
    expect(calls[0]!.init.credentials).toBe('omit');
  });

  it('sends the pasted key instead of the session\'s, and no key at all in open mode', async () => {
    const admin = client('sk-admin');
    await admin.api.chatCompletion({}, { key: 'sk-app-key' });
    expect(headersOf(admin.calls[0]!.init).authorization).toBe('Bearer sk-app-key');
    const open = client(null);
    await open.api.chatCompletion({});
    expect(headersOf(open.calls[0]!.init).authorization).toBeUndefined();
  });

  it('says the gateway is unreachable when fetch fails, but passes a Stop through as the abort it is', async () => {
    const down = client('sk-admin', async () => {
      throw new TypeError('fetch failed');
    });
    await expect(down.api.chatCompletion({})).rejects.toBeInstanceOf(ApiError);
    const controller = new AbortController();
    controller.abort();
    const stopped = client('sk-admin', async () => {
      throw new DOMException('aborted', 'AbortError');
    });
    await expect(stopped.api.chatCompletion({}, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

// Posts one Slack-compatible message (`{"text": ...}`) to a webhook URL: a bounded timeout, at
// most one retry, never a redirect followed. Resolves to what happened and never rejects, so a
// caller can fire and forget. Never logs, and never puts the URL (Slack's embeds a token) in
// what it returns.

export type WebhookResult = { ok: true } | { ok: false; reason: string };

export type PostWebhook = (url: string, text: string) => Promise<WebhookResult>;

export interface PostWebhookOptions {
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export function createWebhookPoster(options: PostWebhookOptions = {}): PostWebhook {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const send = options.fetch ?? globalThis.fetch;
  const once = async (url: string, text: string): Promise<WebhookResult> => {
    try {
      const response = await send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The body is not needed; reading it frees the socket.
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? { ok: true } : { ok: false, reason: `HTTP ${response.status}` };
    } catch (error) {
      const name = (error as { name?: string } | undefined)?.name;
      return { ok: false, reason: name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : 'could not connect' };
    }
  };
  return async (url, text) => {
    const first = await once(url, text);
    return first.ok ? first : once(url, text);
  };
}

// One playground turn: sends the chat request, hands each piece of answer text to `onText` as it
// streams in, and measures what the user sees (time to first text, total time). A gateway
// refusal (any non-2xx) comes back as the gateway's own message and code, so a key that may not
// use a model shows exactly why; Stop (the signal) ends the turn as "stopped", keeping what came.
import { apiErrorBodySchema } from '../../../../shared/api/api-error-schema.js';
import { readChatStream, type ChatStreamUsage } from './read-chat-stream.js';

export interface ChatTurnTimings {
  /** Null when no text arrived. */
  firstTokenMs: number | null;
  totalMs: number;
}

export type ChatTurnResult =
  | { kind: 'refused'; status: number; code: string | null; message: string; requestId: string | null }
  | {
      kind: 'answered' | 'stopped';
      requestId: string | null;
      usage: ChatStreamUsage | null;
      finishReason: string | null;
      /** The error event that ended the stream after it started; null when it ended cleanly. */
      streamError: string | null;
      timings: ChatTurnTimings;
    };

export interface SendChatTurnOptions {
  send: (signal: AbortSignal) => Promise<Response>;
  signal: AbortSignal;
  onText: (text: string) => void;
  /** Milliseconds, monotonic (performance.now in the page). */
  now: () => number;
}

export async function sendChatTurn({ send, signal, onText, now }: SendChatTurnOptions): Promise<ChatTurnResult> {
  const started = now();
  let firstTokenMs: number | null = null;
  const timings = (): ChatTurnTimings => ({ firstTokenMs, totalMs: now() - started });
  let response: Response;
  try {
    response = await send(signal);
  } catch (error) {
    if (signal.aborted) return { kind: 'stopped', requestId: null, usage: null, finishReason: null, streamError: null, timings: timings() };
    throw error;
  }
  const requestId = response.headers.get('x-request-id');
  if (!response.ok || response.body === null) return refusal(response, requestId);
  try {
    const outcome = await readChatStream(response.body, (text) => {
      if (firstTokenMs === null) firstTokenMs = now() - started;
      onText(text);
    });
    return { kind: 'answered', requestId, usage: outcome.usage, finishReason: outcome.finishReason, streamError: outcome.error, timings: timings() };
  } catch (error) {
    if (signal.aborted) return { kind: 'stopped', requestId, usage: null, finishReason: null, streamError: null, timings: timings() };
    return { kind: 'answered', requestId, usage: null, finishReason: null, streamError: `The stream broke off: ${error instanceof Error ? error.message : String(error)}`, timings: timings() };
  }
}

async function refusal(response: Response, requestId: string | null): Promise<ChatTurnResult> {
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    json = undefined;
  }
  const parsed = apiErrorBodySchema.safeParse(json);
  if (parsed.success) return { kind: 'refused', status: response.status, code: parsed.data.error.code ?? null, message: parsed.data.error.message, requestId };
  return { kind: 'refused', status: response.status, code: null, message: `The gateway answered HTTP ${response.status}`, requestId };
}

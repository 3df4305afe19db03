// What "Open in playground" hands the playground: a model and, when the log kept the request
// body, its system prompt and text messages. Read from the stored body (OpenAI chat or Anthropic
// messages shape); a body that is cut off, not JSON or not a chat gives the model alone.
import type { SpendLogRow } from '../../../../shared/api/usage-schemas.js';
import type { ChatMessage } from './build-chat-request.js';

export interface PlaygroundDraft {
  model: string;
  system: string;
  messages: ChatMessage[];
  maxTokens: string;
  temperature: string;
}

export function draftFromLogRow(row: Pick<SpendLogRow, 'requested_model' | 'request_body'>): PlaygroundDraft {
  const draft: PlaygroundDraft = { model: row.requested_model, system: '', messages: [], maxTokens: '', temperature: '' };
  if (typeof row.request_body !== 'string') return draft;
  let body: unknown;
  try {
    body = JSON.parse(row.request_body);
  } catch {
    return draft;
  }
  if (!isRecord(body) || !Array.isArray(body.messages)) return draft;
  const system: string[] = [];
  const anthropicSystem = textOf(body.system);
  if (anthropicSystem) system.push(anthropicSystem);
  for (const message of body.messages) {
    if (!isRecord(message)) continue;
    const text = textOf(message.content);
    if (text === null) continue;
    if (message.role === 'system' || message.role === 'developer') system.push(text);
    else if (message.role === 'user' || message.role === 'assistant') draft.messages.push({ role: message.role, content: text });
  }
  draft.system = system.join('\n\n');
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  if (typeof maxTokens === 'number' && Number.isInteger(maxTokens) && maxTokens > 0) draft.maxTokens = String(maxTokens);
  if (typeof body.temperature === 'number') draft.temperature = String(body.temperature);
  return draft;
}

/** A string, or the text parts of a content array joined; null when there is no text. */
function textOf(content: unknown): string | null {
  if (typeof content === 'string') return content === '' ? null : content;
  if (!Array.isArray(content)) return null;
  const parts = content.flatMap((part) => (isRecord(part) && part.type === 'text' && typeof part.text === 'string' ? [part.text] : []));
  return parts.length === 0 ? null : parts.join('\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

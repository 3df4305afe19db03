// The /v1/chat/completions body the playground sends, from what the user typed: the system prompt
// first when there is one, the conversation, the limits that were filled in, and streaming with
// usage (stream_options.include_usage) so tokens can be shown after the answer.

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface ChatSettings {
  model: string;
  system: string;
  /** Empty = not sent (the model's default). */
  maxTokens: string;
  temperature: string;
}

export interface ChatRequestBody {
  model: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  stream: true;
  stream_options: { include_usage: true };
  max_tokens?: number;
  temperature?: number;
}

export class ChatSettingsError extends Error {
  override readonly name = 'ChatSettingsError';
  constructor(readonly field: 'maxTokens' | 'temperature', message: string) {
    super(message);
  }
}

export function buildChatRequest(settings: ChatSettings, messages: readonly ChatMessage[]): ChatRequestBody {
  const system = settings.system.trim();
  const body: ChatRequestBody = {
    model: settings.model,
    messages: [...(system === '' ? [] : [{ role: 'system' as const, content: system }]), ...messages.map((m) => ({ role: m.role, content: m.content }))],
    stream: true,
    stream_options: { include_usage: true },
  };
  const maxTokens = settings.maxTokens.trim();
  if (maxTokens !== '') {
    if (!/^\d+$/.test(maxTokens) || Number(maxTokens) < 1) throw new ChatSettingsError('maxTokens', 'Max tokens must be a whole number of at least 1, or empty for the model\'s default.');
    body.max_tokens = Number(maxTokens);
  }
  const temperature = settings.temperature.trim();
  if (temperature !== '') {
    const value = Number(temperature);
    if (!/^\d+(\.\d+)?$/.test(temperature) || value > 2) throw new ChatSettingsError('temperature', 'Temperature must be a number from 0 to 2, or empty for the model\'s default.');
    body.temperature = value;
  }
  return body;
}

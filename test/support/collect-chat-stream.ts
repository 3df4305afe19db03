// Reads a streamed chat completion from the official openai client to its end: the content
// deltas in order, the last finish reason and the usage chunk (present only when asked for with
// stream_options.include_usage), for tests that check what a translated upstream stream became.
import type OpenAI from 'openai';

export interface CollectedChatStream {
  deltas: string[];
  finish: string | null;
  usage: OpenAI.CompletionUsage | null | undefined;
}

export async function collectChatStream(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<CollectedChatStream> {
  const collected: CollectedChatStream = { deltas: [], finish: null, usage: undefined };
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (choice?.delta.content) collected.deltas.push(choice.delta.content);
    if (choice?.finish_reason) collected.finish = choice.finish_reason;
    if (chunk.usage) collected.usage = chunk.usage;
  }
  return collected;
}

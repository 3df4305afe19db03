import { describe, expect, it } from 'vitest';
import { ollamaRoutingBody } from '../../../../main/gateway/ollama-inbound/ollama-routing-body.js';
import { convertOllamaChatToOpenAIRequest } from '../../../../main/gateway/ollama-inbound/convert-ollama-chat-to-openai-request.js';
import { parseOllamaChatRequest } from '../../../../main/gateway/ollama-inbound/parse-ollama-chat-request.js';

const text = (chat: ReturnType<typeof parseOllamaChatRequest>) => chat.messages.map((m) => m.content).join('\n');

describe('ollamaRoutingBody', () => {
  it('is the translation when there is one', () => {
    const request = parseOllamaChatRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    const bridge = ollamaRoutingBody(request, 'm', convertOllamaChatToOpenAIRequest, text);
    expect(bridge.untranslatable).toBeUndefined();
    expect(bridge.body.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('is a text-only stand-in carrying the translation\'s 400 when there is none', () => {
    const request = parseOllamaChatRequest({ model: 'm', stream: false, messages: [{ role: 'user', content: 'look', images: [Buffer.from('BM bitmap').toString('base64')] }, { role: 'tool', content: 'x' }] });
    const bridge = ollamaRoutingBody(request, 'm', convertOllamaChatToOpenAIRequest, text);
    expect(bridge.body).toEqual({ model: 'm', stream: false, messages: [{ role: 'user', content: 'look\nx' }] });
    expect(bridge.untranslatable).toMatchObject({ status: 400, param: 'messages[0].images[0]' });
  });
});

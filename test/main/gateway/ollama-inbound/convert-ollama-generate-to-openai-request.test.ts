import { describe, expect, it } from 'vitest';
import { convertOllamaGenerateToOpenAIRequest } from '../../../../main/gateway/ollama-inbound/convert-ollama-generate-to-openai-request.js';
import { parseOllamaGenerateRequest } from '../../../../main/gateway/ollama-inbound/parse-ollama-generate-request.js';

const convert = (body: Record<string, unknown>) => convertOllamaGenerateToOpenAIRequest(parseOllamaGenerateRequest({ model: 'm', ...body }), 'm');

describe('convertOllamaGenerateToOpenAIRequest', () => {
  it('sends system then the prompt as one user message', () => {
    const bridge = convert({ system: 'Be brief.', prompt: 'hi', stream: false, options: { num_predict: 10 } });
    expect(bridge.body).toEqual({ model: 'm', stream: false, max_tokens: 10, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] });
    expect(bridge.untranslatable).toBeUndefined();
  });

  it('makes suffix untranslatable (only Ollama deployments serve it) with a 400 naming suffix', () => {
    const bridge = convert({ prompt: 'def f():', suffix: 'return 1' });
    expect(bridge.untranslatable).toMatchObject({ status: 400, param: 'suffix' });
  });

  it('drops raw, context and template, and says so', () => {
    expect(convert({ prompt: 'hi', raw: true, context: [1, 2], template: '{{ .Prompt }}' }).dropped).toEqual(['raw', 'context', 'template']);
  });
});

// Translates a validated Ollama /api/generate request into a canonical OpenAI chat body: `system`
// as the system message, `prompt` (with its images) as one user message. What only Ollama can do
// (`suffix` fill-in-the-middle, `context` tokens, `raw` prompts, templates) is not faked: suffix
// makes the request untranslatable (Ollama deployments get it natively, others answer 400), the
// rest is dropped and listed.
import { GatewayError } from '../../core/gateway-error.js';
import { convertOllamaOptions } from './convert-ollama-options.js';
import type { OpenAIChatBridge } from './convert-ollama-chat-to-openai-request.js';
import type { OllamaGenerateRequest } from './parse-ollama-generate-request.js';
import { toImageDataUrl } from './to-image-data-url.js';

type Json = Record<string, unknown>;

export function convertOllamaGenerateToOpenAIRequest(request: OllamaGenerateRequest, model: string): OpenAIChatBridge {
  const { fields, dropped } = convertOllamaOptions(request);
  if (request.raw) dropped.push('raw');
  if (request.hasContext) dropped.push('context');
  if (typeof request.body.template === 'string' && request.body.template !== '') dropped.push('template');
  const content: string | Json[] = request.images.length === 0
    ? request.prompt
    : [{ type: 'text', text: request.prompt }, ...request.images.map((image, j) => ({ type: 'image_url', image_url: { url: toImageDataUrl(image, `images[${j}]`) } }))];
  const messages: Json[] = [...(request.system === undefined ? [] : [{ role: 'system', content: request.system }]), { role: 'user', content }];
  const bridge: OpenAIChatBridge = { body: { model, messages, stream: request.stream, ...fields }, dropped };
  if (request.suffix !== undefined) {
    bridge.untranslatable = new GatewayError(
      'invalid_request',
      `suffix (fill-in-the-middle) is served only by Ollama deployments; model "${request.model}" is not one`,
      { param: 'suffix' },
    );
  }
  return bridge;
}

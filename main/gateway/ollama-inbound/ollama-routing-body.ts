// The canonical body for an Ollama request whose translation fails (an image of a type no OpenAI
// server takes, a tool result answering no call): Ollama deployments can still take it natively,
// so instead of a 400 the request becomes a stand-in that carries the model, the stream flag and
// the text — enough to route, guard the context window and estimate cost, never sent anywhere —
// and every other deployment answers with the translation's own 400 (`untranslatable`).
import { isGatewayError } from '../../core/gateway-error.js';
import type { OpenAIChatBridge } from './convert-ollama-chat-to-openai-request.js';
import type { OllamaCommonFields } from './parse-ollama-common-fields.js';

export function ollamaRoutingBody<R extends OllamaCommonFields>(
  request: R,
  model: string,
  convert: (request: R, model: string) => OpenAIChatBridge,
  /** The request's text (message contents, or system and prompt), for the stand-in's estimates. */
  text: (request: R) => string,
): OpenAIChatBridge {
  try {
    return convert(request, model);
  } catch (error) {
    if (!isGatewayError(error) || error.code !== 'invalid_request') throw error;
    return { body: { model, stream: request.stream, messages: [{ role: 'user', content: text(request) }] }, dropped: [], untranslatable: error };
  }
}

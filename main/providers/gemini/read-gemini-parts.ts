// Splits the parts of a Gemini candidate into OpenAI pieces: text, thought text (thought: true
// -> reasoning), and function calls as OpenAI tool calls. Gemini calls carry no ids, so ids are
// synthesised as call_<requestId>_<n> (unique per request, deterministic within it); a call's
// thoughtSignature rides along in Google's own OpenAI-compat field, extra_content.google.
import { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../parse-json-safely.js';

type Json = Record<string, unknown>;

export interface GeminiPieces {
  text: string;
  reasoning: string;
  toolCalls: Json[];
}

export function readGeminiParts(parts: unknown, requestId: string, firstToolIndex: number): GeminiPieces {
  const pieces: GeminiPieces = { text: '', reasoning: '', toolCalls: [] };
  if (!Array.isArray(parts)) return pieces;
  for (const part of parts) {
    if (!isRecord(part)) continue;
    if (typeof part.text === 'string') {
      if (part.thought === true) pieces.reasoning += part.text;
      else pieces.text += part.text;
    } else if (isRecord(part.functionCall)) {
      const call = part.functionCall;
      if (typeof call.name !== 'string' || call.name === '') throw new GatewayError('upstream_bad_response', 'Gemini sent a functionCall without a name');
      const toolCall: Json = {
        id: `call_${requestId}_${firstToolIndex + pieces.toolCalls.length}`,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(isRecord(call.args) ? call.args : {}) },
      };
      if (typeof part.thoughtSignature === 'string') toolCall.extra_content = { google: { thought_signature: part.thoughtSignature } };
      pieces.toolCalls.push(toolCall);
    }
  }
  return pieces;
}

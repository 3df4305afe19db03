// Converts OpenAI chat `messages` into Gemini `systemInstruction` + `contents` (roles user and
// model). System/developer messages anywhere are lifted into systemInstruction in order; tool
// messages become `functionResponse` parts named after the assistant tool call they answer
// (Gemini has no call ids); consecutive same-role turns merge. Untranslatable input is a 400.
import { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../parse-json-safely.js';
import { parseToolCallArguments } from '../openai-format/parse-tool-call-arguments.js';
import { readOpenAITextParts } from '../openai-format/read-openai-text-parts.js';
import { convertToGeminiPart } from './convert-to-gemini-part.js';

type Json = Record<string, unknown>;

/** Google's documented stand-in when a replayed call's thought signature is unknown. */
export const SKIP_THOUGHT_SIGNATURE_VALIDATOR = 'skip_thought_signature_validator';

export interface GeminiContent {
  role: 'user' | 'model';
  parts: Json[];
}

export interface GeminiPrompt {
  systemInstruction?: { parts: Json[] };
  contents: GeminiContent[];
}

export interface GeminiConversionOptions {
  /**
   * Gemini 3 rejects a replayed functionCall without its thoughtSignature (400); clients that
   * dropped it get the documented sentinel on the first call of each model turn.
   */
  requireThoughtSignatures: boolean;
}

export function convertToGeminiContents(messages: unknown, options: GeminiConversionOptions): GeminiPrompt {
  if (!Array.isArray(messages)) throw invalid('messages must be an array');
  const system: Json[] = [];
  const contents: GeminiContent[] = [];
  // tool_call_id -> function name; a later assistant turn reusing an id wins (ids may repeat).
  const toolNames = new Map<string, string>();

  const append = (role: GeminiContent['role'], parts: Json[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((message: unknown, i) => {
    const where = `messages[${i}]`;
    if (!isRecord(message)) throw invalid(`${where} must be an object`);
    switch (message.role) {
      case 'system':
      case 'developer':
        for (const part of readOpenAITextParts(message.content, where)) if (part.text !== '') system.push({ text: part.text });
        break;
      case 'user':
        append('user', userParts(message.content, where));
        break;
      case 'assistant':
        append('model', modelParts(message, where, toolNames, options));
        break;
      case 'tool':
        append('user', [functionResponsePart(message, where, toolNames)]);
        break;
      case 'function':
        throw invalid(`${where}: legacy "function" messages are not supported; use tool_calls and "tool" messages`);
      default:
        throw invalid(`${where}.role ${JSON.stringify(message.role)} is not supported`);
    }
  });

  if (contents.length === 0) throw invalid('messages must contain at least one user or assistant message with content');
  const prompt: GeminiPrompt = { contents };
  if (system.length > 0) prompt.systemInstruction = { parts: system };
  return prompt;
}

function userParts(content: unknown, where: string): Json[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) throw invalid(`${where}.content must be a string or an array of parts`);
  return content.map((part, j) => convertToGeminiPart(part, `${where}.content[${j}]`)).filter((p): p is Json => p !== undefined);
}

function modelParts(message: Json, where: string, toolNames: Map<string, string>, options: GeminiConversionOptions): Json[] {
  const parts: Json[] = [];
  const content = message.content;
  if (typeof content === 'string') {
    if (content !== '') parts.push({ text: content });
  } else if (Array.isArray(content)) {
    content.forEach((part, j) => {
      if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') {
        if (part.text !== '') parts.push({ text: part.text });
      } else if (isRecord(part) && part.type === 'refusal' && typeof part.refusal === 'string') {
        if (part.refusal !== '') parts.push({ text: part.refusal });
      } else throw invalid(`${where}.content[${j}] must be a text or refusal part`);
    });
  } else if (content !== undefined && content !== null) throw invalid(`${where}.content must be a string or an array of parts`);

  if (message.function_call !== undefined && message.function_call !== null) throw invalid(`${where}: legacy function_call is not supported; use tool_calls`);
  if (message.tool_calls === undefined || message.tool_calls === null) return parts;
  if (!Array.isArray(message.tool_calls)) throw invalid(`${where}.tool_calls must be an array`);
  message.tool_calls.forEach((call: unknown, j) => {
    const at = `${where}.tool_calls[${j}]`;
    if (!isRecord(call) || !isRecord(call.function)) throw invalid(`${at} must be a function tool call`);
    const name = call.function.name;
    if (typeof name !== 'string' || name === '') throw invalid(`${at}.function.name must be a non-empty string`);
    if (typeof call.id === 'string') toolNames.set(call.id, name);
    const part: Json = { functionCall: { name, args: parseToolCallArguments(call.function.arguments, at) } };
    let signature = thoughtSignatureOf(call);
    if (signature === undefined && j === 0 && options.requireThoughtSignatures) signature = SKIP_THOUGHT_SIGNATURE_VALIDATOR;
    if (signature !== undefined) part.thoughtSignature = signature;
    parts.push(part);
  });
  return parts;
}

/** Where OpenAI-format clients carry it back: Google's `extra_content` or litellm's field. */
function thoughtSignatureOf(call: Json): string | undefined {
  const google = isRecord(call.extra_content) && isRecord(call.extra_content.google) ? call.extra_content.google : undefined;
  if (typeof google?.thought_signature === 'string') return google.thought_signature;
  const litellm = isRecord(call.provider_specific_fields) ? call.provider_specific_fields : undefined;
  if (typeof litellm?.thought_signature === 'string') return litellm.thought_signature;
  return undefined;
}

function functionResponsePart(message: Json, where: string, toolNames: Map<string, string>): Json {
  const id = message.tool_call_id;
  const name = (typeof id === 'string' ? toolNames.get(id) : undefined) ?? (typeof message.name === 'string' && message.name !== '' ? message.name : undefined);
  if (name === undefined) throw invalid(`${where}.tool_call_id does not match any earlier assistant tool call`);
  return { functionResponse: { name, response: functionResponse(message.content, where) } };
}

/** Gemini wants an object: a JSON object result goes as is, anything else under "result". */
function functionResponse(content: unknown, where: string): Json {
  let text: string;
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) text = readOpenAITextParts(content, where).map((p) => p.text).join('');
  else if (content === undefined || content === null) text = '';
  else throw invalid(`${where}.content must be a string or an array of text parts`);
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Plain text result.
  }
  return isRecord(parsed) ? parsed : { result: parsed };
}

function invalid(message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param: 'messages' });
}

// Converts OpenAI `tools` / `tool_choice` into Gemini `tools[{functionDeclarations}]` and
// `toolConfig.functionCallingConfig` (AUTO / ANY / NONE, allowedFunctionNames). Parameter
// schemas go through the Gemini schema converter, so MCP-style empty schemas never break a call.
import { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../parse-json-safely.js';
import { convertToGeminiFunctionParameters } from './convert-json-schema-to-gemini-schema.js';

type Json = Record<string, unknown>;

export interface GeminiTools {
  tools?: Json[];
  toolConfig?: Json;
}

export function convertToGeminiTools(body: Json): GeminiTools {
  if (body.functions !== undefined || body.function_call !== undefined) {
    throw new GatewayError('invalid_request', 'Legacy functions/function_call are not supported; use tools and tool_choice', { param: 'functions' });
  }
  const choice = body.tool_choice;
  const tools = Array.isArray(body.tools) ? body.tools : [];
  if (tools.length === 0) {
    if (choice === undefined || choice === null || choice === 'auto' || choice === 'none') return {};
    throw new GatewayError('invalid_request', 'tool_choice requires tools', { param: 'tool_choice' });
  }
  const config = functionCallingConfig(choice);
  const forced = config.mode === 'ANY';
  const declarations = tools.map((tool: unknown, i) => {
    const where = `tools[${i}]`;
    if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function)) {
      throw new GatewayError('invalid_request', `${where} must be a function tool`, { param: 'tools' });
    }
    const fn = tool.function;
    if (typeof fn.name !== 'string' || fn.name === '') throw new GatewayError('invalid_request', `${where}.function.name must be a non-empty string`, { param: 'tools' });
    const declaration: Json = { name: fn.name };
    if (typeof fn.description === 'string' && fn.description !== '') declaration.description = fn.description;
    const parameters = convertToGeminiFunctionParameters(fn.parameters, forced);
    if (parameters) declaration.parameters = parameters;
    return declaration;
  });
  const result: GeminiTools = { tools: [{ functionDeclarations: declarations }] };
  if (choice !== undefined && choice !== null) result.toolConfig = { functionCallingConfig: config };
  return result;
}

function functionCallingConfig(choice: unknown): Json {
  if (choice === undefined || choice === null || choice === 'auto') return { mode: 'AUTO' };
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'required') return { mode: 'ANY' };
  if (isRecord(choice) && choice.type === 'function' && isRecord(choice.function) && typeof choice.function.name === 'string' && choice.function.name !== '') {
    return { mode: 'ANY', allowedFunctionNames: [choice.function.name] };
  }
  throw new GatewayError('invalid_request', 'tool_choice must be "auto", "none", "required" or {"type":"function","function":{"name":...}}', { param: 'tool_choice' });
}

// Converts OpenAI `tools`, `tool_choice` and `parallel_tool_calls` into the Messages API's
// `tools` ({name, description, input_schema}) and `tool_choice` (auto / any / tool / none).
// A tool or choice it cannot express is a 400, never silently dropped.
import { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../parse-json-safely.js';

type Json = Record<string, unknown>;

export interface AnthropicTools {
  tools?: Json[];
  tool_choice?: Json;
}

export function convertToAnthropicTools(body: Json): AnthropicTools {
  if (body.functions !== undefined || body.function_call !== undefined) {
    throw new GatewayError('invalid_request', 'Legacy functions/function_call are not supported; use tools and tool_choice', { param: 'functions' });
  }
  const tools = Array.isArray(body.tools) ? body.tools.map(convertTool) : [];
  const choice = body.tool_choice;
  if (tools.length === 0) {
    // OpenAI accepts "auto"/"none" without tools; anything that forces a call has nothing to call.
    if (choice === undefined || choice === null || choice === 'auto' || choice === 'none') return {};
    throw new GatewayError('invalid_request', 'tool_choice requires tools', { param: 'tool_choice' });
  }
  const toolChoice = convertToolChoice(choice);
  if (body.parallel_tool_calls === false && toolChoice.type !== 'none') toolChoice.disable_parallel_tool_use = true;
  const result: AnthropicTools = { tools };
  // Leave Anthropic's default (auto) implicit unless something was asked for.
  if (choice !== undefined && choice !== null) result.tool_choice = toolChoice;
  else if (toolChoice.disable_parallel_tool_use) result.tool_choice = toolChoice;
  return result;
}

function convertTool(tool: unknown, i: number): Json {
  const where = `tools[${i}]`;
  if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function)) {
    throw new GatewayError('invalid_request', `${where} must be a function tool`, { param: 'tools' });
  }
  const fn = tool.function;
  if (typeof fn.name !== 'string' || fn.name === '') throw new GatewayError('invalid_request', `${where}.function.name must be a non-empty string`, { param: 'tools' });
  const out: Json = { name: fn.name };
  if (typeof fn.description === 'string' && fn.description !== '') out.description = fn.description;
  out.input_schema = inputSchema(fn.parameters, where);
  if (isRecord(tool.cache_control)) out.cache_control = tool.cache_control;
  return out;
}

/** Anthropic requires an object schema; a missing one means "no arguments". */
function inputSchema(parameters: unknown, where: string): Json {
  if (parameters === undefined || parameters === null) return { type: 'object', properties: {} };
  if (!isRecord(parameters)) throw new GatewayError('invalid_request', `${where}.function.parameters must be a JSON schema object`, { param: 'tools' });
  if (parameters.type === undefined) return { type: 'object', ...parameters };
  if (parameters.type !== 'object') throw new GatewayError('invalid_request', `${where}.function.parameters must describe an object`, { param: 'tools' });
  return parameters;
}

function convertToolChoice(choice: unknown): Json {
  if (choice === undefined || choice === null || choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any' };
  if (isRecord(choice) && choice.type === 'function') {
    const name = isRecord(choice.function) ? choice.function.name : undefined;
    if (typeof name === 'string' && name !== '') return { type: 'tool', name };
  }
  throw new GatewayError('invalid_request', 'tool_choice must be "auto", "none", "required" or {"type":"function","function":{"name":...}}', { param: 'tool_choice' });
}

// Maps one tool call the model made (chat-completions form: id, flattened name, JSON arguments)
// back to the Responses output item the client declared the tool as: `function_call` (with its
// namespace), `custom_tool_call` with the raw input unwrapped (Codex rejects apply_patch sent as
// a function_call: "tool apply_patch invoked with incompatible payload"), or `local_shell_call`.
// Pure; never throws on what a model wrote.
import { LOCAL_SHELL_FUNCTION, type ToolOrigin, type ToolOrigins } from './responses-tool-origin.js';

type Json = Record<string, unknown>;

export interface ChatToolCall {
  /** The output item id (fc_..., ctc_..., lsh_...), chosen by the caller. */
  itemId: string;
  callId: string;
  /** The chat-completions function name. */
  name: string;
  /** The arguments as the model wrote them (JSON text, maybe broken). */
  arguments: string;
}

export type CallItemKind = 'function_call' | 'custom_tool_call' | 'local_shell_call';

export function callItemKind(name: string, origins: ToolOrigins): CallItemKind {
  const origin = origins.get(name);
  if (origin?.kind === 'custom') return 'custom_tool_call';
  if (origin?.kind === 'local_shell' && name === LOCAL_SHELL_FUNCTION) return 'local_shell_call';
  return 'function_call';
}

/** The item as output_item.added announces it: nothing generated yet. */
export function openCallItem(call: Omit<ChatToolCall, 'arguments'>, origins: ToolOrigins): Json {
  const origin = origins.get(call.name);
  switch (callItemKind(call.name, origins)) {
    case 'custom_tool_call':
      return withNamespace({ id: call.itemId, type: 'custom_tool_call', status: 'in_progress', call_id: call.callId, name: origin?.kind === 'custom' ? origin.name : call.name, input: '' }, origin);
    case 'local_shell_call':
      return { id: call.itemId, type: 'local_shell_call', status: 'in_progress', call_id: call.callId, action: { type: 'exec', command: [], env: {} } };
    case 'function_call':
      return withNamespace({ id: call.itemId, type: 'function_call', status: 'in_progress', call_id: call.callId, name: origin?.kind === 'function' ? origin.name : call.name, arguments: '' }, origin);
  }
}

/** The whole item (output_item.done, the final response): name repeated, input unwrapped. */
export function toResponsesCallItem(call: ChatToolCall, origins: ToolOrigins, status: 'completed' | 'incomplete'): Json {
  const item = openCallItem(call, origins);
  item.status = status;
  if (item.type === 'custom_tool_call') item.input = unwrapCustomInput(call.arguments);
  else if (item.type === 'local_shell_call') item.action = localShellAction(call.arguments);
  else item.arguments = call.arguments;
  return item;
}

/**
 * The raw text of a freeform call: the `input` the bridge asked for; a model that wrote another
 * single string field, or raw text instead of JSON, still means that text; `{}` means nothing.
 */
export function unwrapCustomInput(args: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return args;
  }
  if (typeof parsed === 'string') return parsed;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return args;
  const record = parsed as Json;
  if (typeof record.input === 'string') return record.input;
  const strings = Object.values(record).filter((v): v is string => typeof v === 'string');
  return strings.length === 1 ? strings[0]! : '';
}

function localShellAction(args: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    parsed = undefined;
  }
  const record: Json = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : {};
  const command = Array.isArray(record.command)
    ? record.command.filter((part): part is string => typeof part === 'string')
    // A model that wrote the command as one string means a shell line.
    : typeof record.command === 'string' ? ['bash', '-lc', record.command] : [];
  const action: Json = { type: 'exec', command, env: {} };
  if (typeof record.workdir === 'string') action.working_directory = record.workdir;
  if (typeof record.timeout_ms === 'number' && Number.isFinite(record.timeout_ms)) action.timeout_ms = Math.max(0, Math.floor(record.timeout_ms));
  return action;
}

function withNamespace(item: Json, origin: ToolOrigin | undefined): Json {
  if (origin !== undefined && origin.kind !== 'local_shell' && origin.namespace !== undefined) item.namespace = origin.namespace;
  return item;
}

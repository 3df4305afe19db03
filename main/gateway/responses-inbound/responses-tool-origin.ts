// Where a chat-completions function name came from when the bridge flattened the Responses tools:
// a freeform `custom` tool (Codex's apply_patch), a function inside a `namespace` (MCP), or the
// `local_shell` tool. The output side maps the model's calls back through it. Plain functions
// keep their names and are not listed. Pure data; never guesses from the shape of a name.

export type ToolOrigin =
  | { kind: 'function'; name: string; namespace: string }
  | { kind: 'custom'; name: string; namespace?: string }
  | { kind: 'local_shell' };

/** Flattened function name -> origin; a name not in it is a plain function. */
export type ToolOrigins = ReadonlyMap<string, ToolOrigin>;

export const NO_TOOL_ORIGINS: ToolOrigins = new Map();

/** The chat-completions name of the `local_shell` tool (what codex-mini calls natively). */
export const LOCAL_SHELL_FUNCTION = 'local_shell';

/** `crm` + `create_lead` -> `crm__create_lead`, as LiteLLM flattens namespaces. */
export function flattenToolName(namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? name : `${namespace}__${name}`;
}

// Converts a JSON Schema (OpenAI tool parameters, response_format schemas) into the OpenAPI 3.0
// subset Gemini accepts: upper-case types, `nullable` instead of null unions, `anyOf` instead of
// oneOf, $ref inlined, unsupported keywords ($schema, additionalProperties, title, default...)
// dropped. Empty or odd schemas from MCP tools must not break a request (litellm #18442).
import { isRecord } from '../parse-json-safely.js';

type Json = Record<string, unknown>;

const TYPES: Record<string, string> = {
  string: 'STRING', number: 'NUMBER', integer: 'INTEGER', boolean: 'BOOLEAN', array: 'ARRAY', object: 'OBJECT',
};
/** Formats Gemini honours per type; it rejects others (e.g. "date" on a STRING). */
const FORMATS: Record<string, Set<string>> = {
  STRING: new Set(['enum', 'date-time']),
  NUMBER: new Set(['float', 'double']),
  INTEGER: new Set(['int32', 'int64']),
};
/** Deeper than this is a runaway (or recursive) schema: the rest becomes a plain value. */
const MAX_DEPTH = 32;

interface Context {
  root: Json;
  /** $refs being expanded on the current path: Gemini has no recursion, so a cycle stops here. */
  expanding: Set<string>;
}

/**
 * Any schema node to a Gemini Schema. Every node it returns has a `type` or an `anyOf`: a node
 * that constrains nothing becomes STRING (Gemini has no "any" type), an ARRAY always has items.
 */
export function convertJsonSchemaToGeminiSchema(schema: unknown): Json {
  return convert(schema, { root: isRecord(schema) ? schema : {}, expanding: new Set() }, 0);
}

/**
 * A function declaration's `parameters`: an OBJECT, or undefined for a function without
 * arguments. Gemini (2024) rejected `properties: {}` ("should be non-empty for OBJECT type") so
 * parameters are omitted — except in ANY mode (tool_choice required / a named function), where
 * omitting them fails instead (python-genai #981), so `{type: OBJECT, properties: {}}` is sent.
 */
export function convertToGeminiFunctionParameters(schema: unknown, forcedCall: boolean): Json | undefined {
  const converted = convertJsonSchemaToGeminiSchema(schema ?? { type: 'object' });
  let root: Json | undefined;
  if (converted.type === 'OBJECT') root = converted;
  else if (Array.isArray(converted.anyOf) && converted.anyOf.every((s) => isRecord(s) && s.type === 'OBJECT')) {
    // A union of argument shapes: offer every property, require none (Gemini's root must be one OBJECT).
    const properties: Json = {};
    for (const branch of converted.anyOf as Json[]) Object.assign(properties, isRecord(branch.properties) ? branch.properties : {});
    root = { type: 'OBJECT', properties };
  }
  const hasProperties = root !== undefined && isRecord(root.properties) && Object.keys(root.properties).length > 0;
  if (!hasProperties) return forcedCall ? { type: 'OBJECT', properties: {} } : undefined;
  const { nullable: _nullable, ...rest } = root!;
  return rest;
}

function convert(input: unknown, ctx: Context, depth: number): Json {
  if (depth > MAX_DEPTH || !isRecord(input)) return { type: 'STRING' };
  let node = resolveRefs(input, ctx);
  if (Array.isArray(node.allOf)) node = mergeAllOf(node, ctx);
  const refName = typeof input.$ref === 'string' ? input.$ref : undefined;
  if (refName) ctx.expanding.add(refName);
  try {
    return convertResolved(node, ctx, depth);
  } finally {
    if (refName) ctx.expanding.delete(refName);
  }
}

function convertResolved(node: Json, ctx: Context, depth: number): Json {
  const out: Json = {};
  let nullable = node.nullable === true;

  // type: a name, or a list of names ("null" among them means nullable).
  let types: string[] = [];
  if (typeof node.type === 'string') types = [node.type];
  else if (Array.isArray(node.type)) types = node.type.filter((t): t is string => typeof t === 'string');
  if (types.includes('null')) nullable = true;
  const geminiTypes = types.filter((t) => t !== 'null').map((t) => TYPES[t]).filter((t): t is string => t !== undefined);

  const union = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
  if (typeof node.description === 'string' && node.description !== '') out.description = node.description;

  if (union) {
    const branches: Json[] = [];
    for (const branch of union) {
      if (isRecord(branch) && (branch.type === 'null' || (Array.isArray(branch.type) && branch.type.length === 1 && branch.type[0] === 'null'))) nullable = true;
      else branches.push(convert(branch, ctx, depth + 1));
    }
    if (branches.length === 1) Object.assign(out, branches[0], out.description ? { description: out.description } : {});
    else if (branches.length > 1) out.anyOf = branches;
  } else if (geminiTypes.length > 1) {
    out.anyOf = geminiTypes.map((type) => ({ type }));
  } else {
    const type = geminiTypes[0] ?? inferType(node);
    if (type !== undefined) out.type = type;
    applyKeywords(node, out, ctx, depth);
  }

  if (out.type === undefined && out.anyOf === undefined) {
    // Gemini has no "any": a value the schema leaves open travels as a string.
    out.type = 'STRING';
    applyKeywords(node, out, ctx, depth);
  }
  if (nullable) out.nullable = true;
  return out;
}

function applyKeywords(node: Json, out: Json, ctx: Context, depth: number): void {
  const type = out.type;
  const values = Array.isArray(node.enum) ? node.enum : node.const !== undefined ? [node.const] : undefined;
  if (values && (type === 'STRING' || type === undefined)) {
    const strings = values.filter((v): v is string => typeof v === 'string');
    if (values.includes(null)) out.nullable = true;
    // Gemini enums are strings only; a numeric enum keeps its type and loses the constraint.
    if (strings.length > 0) {
      out.type = 'STRING';
      out.enum = strings;
    }
  }
  const formats = typeof out.type === 'string' ? FORMATS[out.type] : undefined;
  if (typeof node.format === 'string' && formats?.has(node.format)) out.format = node.format;

  if (out.type === 'OBJECT') {
    const properties: Json = {};
    if (isRecord(node.properties)) {
      for (const [name, child] of Object.entries(node.properties)) properties[name] = convert(child, ctx, depth + 1);
    }
    if (Object.keys(properties).length > 0) {
      out.properties = properties;
      const required = Array.isArray(node.required) ? node.required.filter((r): r is string => typeof r === 'string' && r in properties) : [];
      if (required.length > 0) out.required = [...new Set(required)];
    }
  }
  if (out.type === 'ARRAY') {
    const items = Array.isArray(node.items) ? node.items[0] : node.items ?? (Array.isArray(node.prefixItems) ? node.prefixItems[0] : undefined);
    // Gemini rejects an ARRAY without items (neuro-san #1050).
    out.items = convert(items ?? {}, ctx, depth + 1);
    for (const key of ['minItems', 'maxItems'] as const) if (Number.isSafeInteger(node[key])) out[key] = node[key];
  }
  if (out.type === 'NUMBER' || out.type === 'INTEGER') {
    for (const key of ['minimum', 'maximum'] as const) if (typeof node[key] === 'number' && Number.isFinite(node[key])) out[key] = node[key];
  }
}

function inferType(node: Json): string | undefined {
  if (isRecord(node.properties)) return 'OBJECT';
  if (node.items !== undefined || node.prefixItems !== undefined) return 'ARRAY';
  const values = Array.isArray(node.enum) ? node.enum : node.const !== undefined ? [node.const] : undefined;
  if (values && values.some((v) => typeof v === 'string')) return 'STRING';
  return undefined;
}

/** Inlines `$ref` (local pointers only), keeping sibling keywords such as a description. */
function resolveRefs(node: Json, ctx: Context): Json {
  let current = node;
  for (let hops = 0; typeof current.$ref === 'string' && hops < MAX_DEPTH; hops++) {
    const ref = current.$ref as string;
    const target = ctx.expanding.has(ref) ? undefined : lookup(ctx.root, ref);
    const { $ref: _ref, ...siblings } = current;
    // A cycle or a dangling/remote ref leaves an unconstrained value.
    current = target ? { ...target, ...siblings } : siblings;
  }
  return current;
}

function lookup(root: Json, ref: string): Json | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isRecord(node) ? node[key] : undefined;
  }
  return isRecord(node) ? node : undefined;
}

/** allOf: properties and required are combined; the first branch to say so sets the type. */
function mergeAllOf(node: Json, ctx: Context): Json {
  const { allOf, ...rest } = node;
  const merged: Json = { ...rest };
  const properties: Json = isRecord(rest.properties) ? { ...rest.properties } : {};
  const required: unknown[] = Array.isArray(rest.required) ? [...rest.required] : [];
  for (const raw of allOf as unknown[]) {
    if (!isRecord(raw)) continue;
    const branch = resolveRefs(raw, ctx);
    if (isRecord(branch.properties)) Object.assign(properties, branch.properties);
    if (Array.isArray(branch.required)) required.push(...branch.required);
    for (const [key, value] of Object.entries(branch)) {
      if (key !== 'properties' && key !== 'required' && merged[key] === undefined) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.length > 0) merged.required = required;
  return merged;
}

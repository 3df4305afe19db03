import { describe, expect, it } from 'vitest';
import {
  convertJsonSchemaToGeminiSchema, convertToGeminiFunctionParameters,
} from '../../../../main/providers/gemini/convert-json-schema-to-gemini-schema.js';

type Json = Record<string, unknown>;

/** Every node Gemini receives must have a type or an anyOf, and no keyword outside its subset. */
const ALLOWED = new Set(['type', 'format', 'description', 'nullable', 'enum', 'properties', 'required', 'items', 'anyOf', 'minItems', 'maxItems', 'minimum', 'maximum']);
function expectGeminiSafe(node: unknown): void {
  expect(node).toBeTypeOf('object');
  const schema = node as Json;
  for (const key of Object.keys(schema)) expect(ALLOWED, `keyword ${key}`).toContain(key);
  expect(schema.type !== undefined || schema.anyOf !== undefined).toBe(true);
  if (schema.type === 'ARRAY') expect(schema.items).toBeDefined();
  for (const child of Object.values((schema.properties ?? {}) as Json)) expectGeminiSafe(child);
  if (schema.items !== undefined) expectGeminiSafe(schema.items);
  for (const branch of (schema.anyOf ?? []) as unknown[]) expectGeminiSafe(branch);
}

describe('convertJsonSchemaToGeminiSchema', () => {
  it.each([
    ['a plain object', { type: 'object', properties: { city: { type: 'string', description: 'City' } }, required: ['city'] },
      { type: 'OBJECT', properties: { city: { type: 'STRING', description: 'City' } }, required: ['city'] }],
    ['$schema, additionalProperties, title and default dropped', { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', title: 'Args', additionalProperties: false, properties: { n: { type: 'integer', default: 3, minimum: 1 } } },
      { type: 'OBJECT', properties: { n: { type: 'INTEGER', minimum: 1 } } }],
    ['a nullable type list', { type: ['string', 'null'] }, { type: 'STRING', nullable: true }],
    ['a multi-type list', { type: ['string', 'number'] }, { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] }],
    ['anyOf with null', { anyOf: [{ type: 'integer' }, { type: 'null' }], description: 'Count' }, { type: 'INTEGER', description: 'Count', nullable: true }],
    ['oneOf as anyOf', { oneOf: [{ type: 'string' }, { type: 'boolean' }] }, { anyOf: [{ type: 'STRING' }, { type: 'BOOLEAN' }] }],
    ['const as a one-value enum', { const: 'celsius' }, { type: 'STRING', enum: ['celsius'] }],
    ['a string enum', { type: 'string', enum: ['a', 'b'] }, { type: 'STRING', enum: ['a', 'b'] }],
    ['a numeric enum (type kept, enum dropped)', { type: 'integer', enum: [1, 2, 3] }, { type: 'INTEGER' }],
    ['unsupported formats dropped', { type: 'string', format: 'uri' }, { type: 'STRING' }],
    ['supported formats kept', { type: 'string', format: 'date-time' }, { type: 'STRING', format: 'date-time' }],
    ['a missing type inferred from properties', { properties: { a: { type: 'boolean' } } }, { type: 'OBJECT', properties: { a: { type: 'BOOLEAN' } } }],
    ['a missing type inferred from items', { items: { type: 'number' } }, { type: 'ARRAY', items: { type: 'NUMBER' } }],
    ['an array without items', { type: 'array' }, { type: 'ARRAY', items: { type: 'STRING' } }],
    ['a tuple', { type: 'array', items: [{ type: 'integer' }, { type: 'string' }] }, { type: 'ARRAY', items: { type: 'INTEGER' } }],
    ['an empty schema (any value)', {}, { type: 'STRING' }],
    ['a free-form nested object', { type: 'object', properties: { meta: { type: 'object', additionalProperties: true } } }, { type: 'OBJECT', properties: { meta: { type: 'OBJECT' } } }],
    ['required naming unknown properties', { type: 'object', properties: { a: { type: 'string' } }, required: ['a', 'ghost'] }, { type: 'OBJECT', properties: { a: { type: 'STRING' } }, required: ['a'] }],
    ['a $ref into $defs', { type: 'object', properties: { p: { $ref: '#/$defs/Point', description: 'Where' } }, $defs: { Point: { type: 'object', properties: { x: { type: 'number' } } } } },
      { type: 'OBJECT', properties: { p: { type: 'OBJECT', description: 'Where', properties: { x: { type: 'NUMBER' } } } } }],
    ['a $ref into definitions', { type: 'object', properties: { u: { $ref: '#/definitions/Unit' } }, definitions: { Unit: { enum: ['c', 'f'] } } },
      { type: 'OBJECT', properties: { u: { type: 'STRING', enum: ['c', 'f'] } } }],
    ['a dangling $ref', { type: 'object', properties: { r: { $ref: 'https://example.com/schema.json' } } }, { type: 'OBJECT', properties: { r: { type: 'STRING' } } }],
    ['allOf merged', { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'integer' } } }] },
      { type: 'OBJECT', properties: { a: { type: 'STRING' }, b: { type: 'INTEGER' } }, required: ['a'] }],
  ])('converts %s', (_label, input, expected) => {
    const converted = convertJsonSchemaToGeminiSchema(input);
    expect(converted).toEqual(expected);
    expectGeminiSafe(converted);
  });

  it('stops a recursive $ref instead of expanding it forever', () => {
    const tree = { type: 'object', properties: { node: { $ref: '#/$defs/Node' } }, $defs: { Node: { type: 'object', properties: { value: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } } } } };
    const converted = convertJsonSchemaToGeminiSchema(tree);
    expectGeminiSafe(converted);
    expect(converted).toEqual({
      type: 'OBJECT',
      properties: { node: { type: 'OBJECT', properties: { value: { type: 'STRING' }, children: { type: 'ARRAY', items: { type: 'STRING' } } } } },
    });
  });

  it('bounds absurdly deep schemas', () => {
    let deep: Json = { type: 'string' };
    for (let i = 0; i < 200; i++) deep = { type: 'object', properties: { x: deep } };
    expectGeminiSafe(convertJsonSchemaToGeminiSchema(deep));
  });
});

describe('convertToGeminiFunctionParameters', () => {
  // litellm #18442: MCP tools (Cline's load_mcp_documentation) send empty or type-less schemas.
  it.each([
    ['missing parameters', undefined],
    ['{}', {}],
    ['{"type":"object"} without properties', { type: 'object' }],
    ['empty properties', { type: 'object', properties: {}, required: [] }],
    ['an MCP-style empty schema', { type: 'object', properties: {}, additionalProperties: false, $schema: 'http://json-schema.org/draft-07/schema#' }],
  ])('omits the parameters of a function with %s', (_label, schema) => {
    expect(convertToGeminiFunctionParameters(schema, false)).toBeUndefined();
  });

  it('sends an empty OBJECT when a call is forced, where omitted parameters fail (python-genai #981)', () => {
    expect(convertToGeminiFunctionParameters({ type: 'object', properties: {} }, true)).toEqual({ type: 'OBJECT', properties: {} });
  });

  it('makes the root an OBJECT even when the type was left out', () => {
    expect(convertToGeminiFunctionParameters({ properties: { q: { type: 'string' } }, required: ['q'] }, false)).toEqual({
      type: 'OBJECT', properties: { q: { type: 'STRING' } }, required: ['q'],
    });
  });

  it('flattens a root union of object shapes into one OBJECT offering every property', () => {
    const schema = { anyOf: [{ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, { type: 'object', properties: { name: { type: 'string' } } }] };
    expect(convertToGeminiFunctionParameters(schema, false)).toEqual({ type: 'OBJECT', properties: { id: { type: 'STRING' }, name: { type: 'STRING' } } });
  });
});

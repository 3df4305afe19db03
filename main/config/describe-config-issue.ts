// Words for a person in place of zod's default messages ("Invalid input: expected object,
// received undefined"), used as the config schema's error map. Messages the schema itself gives
// (a regex's "must be provider/model") take precedence and are kept. Never echoes the value: a
// misplaced value may be a key.
import type { z } from 'zod';
import { closestKey } from './closest-key.js';

type RawIssue = z.core.$ZodRawIssue;

const KINDS: Record<string, string> = {
  object: 'a mapping (key: value lines)',
  array: 'a list',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** The error map for configFileSchema.safeParse: a message such as "must be a number, not text". */
export function describeConfigIssue(issue: RawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is missing';
      return `must be ${KINDS[issue.expected] ?? issue.expected}, not ${kindOf(issue.input)}`;
    case 'too_small':
      return bound('at least', 'more than', issue.origin, Number(issue.minimum), issue.inclusive !== false);
    case 'too_big':
      return bound('at most', 'less than', issue.origin, Number(issue.maximum), issue.inclusive !== false);
    case 'invalid_format':
      return issue.format === 'url' ? 'must be an absolute http(s) URL' : `must be a valid ${issue.format}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_union': {
      const expected = [...new Set(issue.errors.flat().flatMap((inner) => (inner.code === 'invalid_type' ? [KINDS[inner.expected] ?? inner.expected] : [])))];
      return expected.length > 0 ? `must be ${expected.join(' or ')}, not ${kindOf(issue.input)}` : 'has the wrong type';
    }
    case 'unrecognized_keys': {
      const known = knownKeysOf(issue.inst);
      const [key] = issue.keys;
      const meant = key === undefined ? undefined : closestKey(key, known);
      // The loader names the key in the path; this says what it should have been.
      return `unknown key${meant ? `; did you mean \`${meant}\`?` : known.length > 0 ? ` (this block takes ${known.join(', ')})` : ''}`;
    }
    default:
      return 'is not valid here';
  }
}

function bound(inclusiveWord: string, exclusiveWord: string, origin: string, limit: number, inclusive: boolean): string {
  if (origin === 'string') return limit === 1 && inclusiveWord === 'at least' ? 'must not be empty' : `must be ${inclusiveWord} ${limit} characters long`;
  if (origin === 'array' || origin === 'set') return `must have ${inclusiveWord} ${limit} entries`;
  if (limit === 0 && inclusiveWord === 'at least') return inclusive ? 'must not be negative' : 'must be more than 0';
  return `must be ${inclusive ? inclusiveWord : exclusiveWord} ${limit}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a number' : 'a fraction';
  if (typeof value === 'boolean') return 'true/false';
  return typeof value;
}

function knownKeysOf(schema: unknown): string[] {
  const shape = (schema as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
  return shape ? Object.keys(shape) : [];
}

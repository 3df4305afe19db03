import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { describeValidationIssue } from '../../../shared/api/describe-validation-issue.js';

const schema = z.strictObject({
  name: z.string().check(z.minLength(2), z.maxLength(4)),
  count: z.optional(z.int().check(z.minimum(1), z.maximum(9))),
  kind: z.optional(z.enum(['a', 'b'])),
  list: z.optional(z.array(z.string()).check(z.maxLength(1))),
  secret: z.optional(z.string().check(z.regex(/^ref\//, 'must be a reference'))),
});
const first = (value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected a failure');
  return describeValidationIssue(result.error.issues[0]!, value);
};

describe('describeValidationIssue', () => {
  it.each([
    [{}, 'name: is required'],
    [{ name: 5 }, 'name: must be a string'],
    [{ name: 'x' }, 'name: must be at least 2 characters'],
    [{ name: 'xxxxx' }, 'name: must be at most 4 characters'],
    [{ name: 'ok', count: 0 }, 'count: must be at least 1'],
    [{ name: 'ok', count: 10 }, 'count: must be at most 9'],
    [{ name: 'ok', count: 1.5 }, 'count: must be a whole number'],
    [{ name: 'ok', kind: 'c' }, 'kind: must be one of "a", "b"'],
    [{ name: 'ok', list: ['a', 'b'] }, 'list: allows at most 1 item(s)'],
    [{ name: 'ok', extra: 1, more: 2 }, 'The request body: unknown fields "extra", "more"'],
    [{ name: 'ok', secret: 'sk-live-123' }, 'secret: must be a reference'],
  ])('%j -> %s', (value, message) => {
    expect(first(value)).toBe(message);
  });

  it('without the input, reads a wrong type as missing or wrong', () => {
    const result = schema.safeParse({ name: 5 });
    expect(describeValidationIssue(result.error!.issues[0]!)).toBe('name: is required');
  });

  it('never repeats the rejected value', () => {
    expect(first({ name: 'ok', secret: 'sk-live-123' })).not.toContain('sk-live');
  });
});

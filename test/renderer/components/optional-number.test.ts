import { describe, expect, it } from 'vitest';
import { FieldError } from '../../../renderer/src/components/field-error.js';
import { optionalNumber } from '../../../renderer/src/components/optional-number.js';

describe('optionalNumber', () => {
  it('reads empty (or blank) as no limit and a number as itself', () => {
    expect(optionalNumber('', 'rpm', 'whole', true)).toBeNull();
    expect(optionalNumber('  ', 'rpm', 'whole', true)).toBeNull();
    expect(optionalNumber('0', 'rpm', 'whole', true)).toBe(0);
    expect(optionalNumber('2.5', 'maxBudget', 'dollars', false)).toBe(2.5);
  });

  it.each([
    ['-1', false],
    ['abc', false],
    ['Infinity', false],
    ['1.5', true],
    ['1e20', true],
  ])('refuses %s (whole: %s) with a FieldError naming the field', (text, integer) => {
    try {
      optionalNumber(text, 'tpm', 'Tokens per minute is a whole number.', integer);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FieldError);
      expect((e as FieldError<{ tpm: string }>).field).toBe('tpm');
      expect((e as Error).message).toBe('Tokens per minute is a whole number.');
    }
  });
});

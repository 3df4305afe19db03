// Turns a zod issue into one sentence naming the field ("max_budget: must be a number"), for
// 400 answers from the management API and for form errors in the dashboard. No Node, no DOM.
// Never echoes the rejected value: it may be a secret pasted into the wrong field.
import type { z } from 'zod/mini';

type Issue = z.core.$ZodIssue;

/** `input` is what was validated: it tells a missing field from one of the wrong type. */
export function describeValidationIssue(issue: Issue, input?: unknown): string {
  const path = issue.path.map(String).join('.');
  const where = path === '' ? 'The request body' : path;
  return `${where}: ${explain(issue, input)}`;
}

function explain(issue: Issue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return isMissing(input, issue.path) ? 'is required' : `must be ${article(issue.expected)}`;
    case 'too_small':
      return issue.origin === 'string' ? `must be at least ${String(issue.minimum)} characters` : issue.origin === 'array' ? `needs at least ${String(issue.minimum)} item(s)` : `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${String(issue.maximum)} characters` : issue.origin === 'array' ? `allows at most ${String(issue.maximum)} item(s)` : `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return issue.message && issue.message !== 'Invalid input' ? issue.message : `is not a valid ${issue.format}`;
    default:
      return issue.message && issue.message !== 'Invalid input' ? issue.message : 'is not valid';
  }
}

/** True when the value at `path` is absent (zod does not keep inputs in issues by default). */
function isMissing(input: unknown, path: readonly PropertyKey[]): boolean {
  let node: unknown = input;
  for (const step of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, step)) return true;
    node = (node as Record<PropertyKey, unknown>)[step];
  }
  return node === undefined;
}

function article(type: string): string {
  if (type === 'int') return 'a whole number';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

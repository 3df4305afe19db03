// Masks secrets in text that is about to be stored (logged request and response bodies): the
// exact values the gateway holds (admin key, provider keys as they are resolved, the key a request
// presented) and anything shaped like a provider or gateway key. Never logs or returns what it
// masked; a false positive costs a word, a miss leaks a key.

export const REDACTED = '[redacted]';

/**
 * Key shapes: OpenAI/Anthropic/Switchboard `sk-…` (and `pk-`/`rk-`), Google `AIza…`, GitHub
 * tokens, Slack tokens, AWS access key ids, and whatever follows `Bearer `. Long enough not to
 * eat ordinary words (`sk-learn` stays).
 */
const KEY_PATTERNS = /\b(?:(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}|AIza[A-Za-z0-9_-]{30,}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[A-Z0-9]{16})|\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Shorter exact values are ignored: they would mask ordinary text. */
const MIN_SECRET_LENGTH = 8;

export interface SecretRedactor {
  /** The text with every known secret, every `alsoMask` value and every key shape masked. */
  (text: string, alsoMask?: readonly string[]): string;
  /**
   * Masks `secret` in every later call. Cheap for a value already known, so it can sit on the
   * path that resolves a provider key for each request.
   */
  remember(secret: string | undefined): void;
}

export function createSecretRedactor(secrets: readonly (string | undefined)[] = []): SecretRedactor {
  const known = new Set<string>();
  // Longest first, so a secret that contains another is masked whole.
  let exact: string[] = [];
  const remember = (secret: string | undefined): void => {
    if (!isMaskable(secret) || known.has(secret)) return;
    known.add(secret);
    exact = [...known].sort(byLengthDescending);
  };
  for (const secret of secrets) remember(secret);

  const redact = (text: string, alsoMask?: readonly string[]): string => {
    const extra = alsoMask?.filter((s) => isMaskable(s) && !known.has(s));
    const values = extra === undefined || extra.length === 0 ? exact : [...exact, ...extra].sort(byLengthDescending);
    let clean = text;
    for (const secret of values) if (clean.includes(secret)) clean = clean.split(secret).join(REDACTED);
    return clean.replace(KEY_PATTERNS, REDACTED);
  };
  return Object.assign(redact, { remember });
}

function isMaskable(secret: string | undefined): secret is string {
  return typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH;
}

function byLengthDescending(a: string, b: string): number {
  return b.length - a.length;
}

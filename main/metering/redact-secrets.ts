// Masks secrets in text that is about to be stored or logged (request and response bodies, log
// lines): the exact values it is given (the master key, provider keys) and anything shaped like a
// provider or gateway key.
// Never logs or returns what it masked; a false positive costs a word, a miss leaks a key.

export const REDACTED = '[redacted]';

/**
 * Key shapes: OpenAI/Anthropic/Switchboard `sk-…` (and `pk-`/`rk-`), Google `AIza…`, GitHub
 * tokens, Slack tokens, AWS access key ids, and whatever follows `Bearer `. Long enough not to
 * eat ordinary words (`sk-learn` stays).
 */
const KEY_PATTERNS = /\b(?:(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}|AIza[A-Za-z0-9_-]{30,}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[A-Z0-9]{16})|\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g;

export type SecretRedactor = (text: string) => string;

/** A redactor whose exact secrets grow as the gateway learns them (the admin key, each provider key as it is resolved). */
export interface SecretMask {
  /** Masks `secret` from now on (shorter than 8 characters: ignored, it would mask ordinary text). */
  add(secret: string | undefined): void;
  redact: SecretRedactor;
}

export function createSecretMask(secrets: readonly (string | undefined)[] = []): SecretMask {
  // Longest first, so a secret that contains another is masked whole.
  let exact: string[] = [];
  const add = (secret: string | undefined) => {
    if (typeof secret !== 'string' || secret.length < 8 || exact.includes(secret)) return;
    exact = [...exact, secret].sort((a, b) => b.length - a.length);
  };
  for (const secret of secrets) add(secret);
  return {
    add,
    redact(text) {
      let clean = text;
      for (const secret of exact) if (clean.includes(secret)) clean = clean.split(secret).join(REDACTED);
      return clean.replace(KEY_PATTERNS, REDACTED);
    },
  };
}

/** `secrets`: exact values to mask wherever they appear (shorter than 8 characters are ignored: they would mask ordinary text). */
export function createSecretRedactor(secrets: readonly (string | undefined)[] = []): SecretRedactor {
  return createSecretMask(secrets).redact;
}

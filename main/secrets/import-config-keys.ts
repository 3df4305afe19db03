// `switchboard keys import --config FILE`: moves the plaintext keys of a config file into the
// OS keychain and rewrites the file to `keychain/NAME` references, keeping a backup. Every key
// is stored and read back before the file is touched, so a missing or locked keychain leaves
// the file as it was. The rewrite changes only those values: comments and layout stay byte for byte.
import { readFileSync, renameSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { LineCounter, parseDocument, Scalar } from 'yaml';
import { ConfigError } from '../core/config-error.js';
import { ADMIN_KEY_NAME } from './admin-key.js';
import { locateLiteralKeys, type LiteralKeyNode } from './find-literal-keys.js';
import { SecretStoreError, isValidSecretName, type SecretStore } from './secret-store.js';

export interface ImportedKey {
  /** e.g. `model_list[0].litellm_params.api_key`. */
  path: string;
  line: number;
  /** The keychain account now referenced as `keychain/NAME`. */
  name: string;
  /** The keychain already held this exact value under `name`. */
  alreadyStored: boolean;
}

export interface ImportResult {
  file: string;
  imported: ImportedKey[];
  /** A copy of the original file (it still holds the plaintext keys); undefined when nothing changed. */
  backup: string | undefined;
}

export async function importConfigKeys(options: { file: string; store: SecretStore }): Promise<ImportResult> {
  const { file, store } = options;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, undefined, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot be read');
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) throw new ConfigError(file, counter.linePos(yamlError.pos[0]).line, `invalid YAML: ${yamlError.message.split('\n')[0]}`);

  const literals = locateLiteralKeys(doc, counter);
  if (literals.length === 0) return { file, imported: [], backup: undefined };

  // One keychain entry per distinct value: entries sharing a key share its reference.
  const names = new Map<string, { name: string; alreadyStored: boolean }>();
  const taken = new Set<string>();
  for (const literal of literals) {
    if (names.has(literal.value)) continue;
    const chosen = await chooseName(literal, store, taken);
    taken.add(chosen.name);
    names.set(literal.value, chosen);
  }
  for (const [value, { name, alreadyStored }] of names) {
    if (!alreadyStored) await store.set(name, value);
    // A locked Secret Service can accept nothing and still answer reads with "not found"; only a
    // value read back proves the key is safe before its plaintext leaves the file.
    if ((await store.get(name)) !== value) {
      throw new SecretStoreError('failed', 'get', `"${name}" was written to the ${store.location} but could not be read back; unlock the keychain and try again`);
    }
  }

  const rewritten = rewrite(text, literals, names);
  const backup = writeBackup(file, text);
  writeInPlace(file, rewritten);
  return {
    file,
    backup,
    imported: literals.map((literal) => ({ path: literal.path, line: literal.line, ...names.get(literal.value)! })),
  };
}

async function chooseName(literal: LiteralKeyNode, store: SecretStore, taken: ReadonlySet<string>): Promise<{ name: string; alreadyStored: boolean }> {
  const candidates: string[] = [];
  if (literal.field === 'master_key') {
    candidates.push(ADMIN_KEY_NAME);
  } else {
    const provider = slug(literal.provider ?? '') || 'provider';
    candidates.push(`${provider}-api-key`);
    const model = slug(literal.modelName ?? '');
    if (model) candidates.push(`${provider}-${model}-api-key`);
  }
  const base = candidates[candidates.length - 1]!;
  for (let n = 2; candidates.length < 100; n++) candidates.push(`${base}-${n}`);
  for (const name of candidates) {
    if (!isValidSecretName(name) || taken.has(name)) continue;
    const existing = await store.get(name);
    // Never overwrite a different key someone already keeps under this name.
    if (existing === undefined) return { name, alreadyStored: false };
    if (existing === literal.value) return { name, alreadyStored: true };
  }
  throw new SecretStoreError('failed', 'set', `No free keychain name for ${literal.path}`);
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_.]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
}

/**
 * Replaces each value in the source text through its node's range, keeping its quoting style, so
 * nothing else in the file moves (comments, spacing, flow maps, anchors). The result must parse
 * back to exactly the old data with only those values changed, or the file is left alone.
 */
function rewrite(text: string, literals: readonly LiteralKeyNode[], names: ReadonlyMap<string, { name: string }>): string {
  const refOf = (literal: LiteralKeyNode) => `keychain/${names.get(literal.value)!.name}`;
  const expected = expectedData(text, literals, refOf);
  const nodes = [...new Map(literals.map((literal) => [literal.node, literal])).values()]
    .filter((literal) => literal.node.range)
    .sort((a, b) => b.node.range![0] - a.node.range![0]);
  let spliced = text;
  for (const literal of nodes) {
    const [start, end] = literal.node.range!;
    // A block scalar's range runs through its last line break; the replacement keeps that break.
    const lineBreak = spliced.slice(start, end).endsWith('\n') ? '\n' : '';
    spliced = spliced.slice(0, start) + render(refOf(literal), literal.node.type) + lineBreak + spliced.slice(end);
  }
  if (!sameData(spliced, expected)) throw new Error('Could not rewrite the config file without changing anything else; it was left unchanged');
  return spliced;
}

function render(ref: string, type: Scalar['type']): string {
  if (type === Scalar.QUOTE_SINGLE) return `'${ref}'`;
  if (type === Scalar.PLAIN) return ref;
  return `"${ref}"`;
}

function expectedData(text: string, literals: readonly LiteralKeyNode[], refOf: (literal: LiteralKeyNode) => string): unknown {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  const refs = new Map(literals.map((literal) => [literal.path, refOf(literal)]));
  for (const literal of locateLiteralKeys(doc, counter)) literal.node.value = refs.get(literal.path)!;
  return doc.toJS({ maxAliasCount: 100 });
}

function sameData(text: string, expected: unknown): boolean {
  const doc = parseDocument(text);
  return doc.errors.length === 0 && isDeepStrictEqual(doc.toJS({ maxAliasCount: 100 }), expected);
}

/** FILE.bak, or FILE.bak.2, ... : never overwrites an earlier backup. Owner-only: it holds keys. */
function writeBackup(file: string, text: string): string {
  for (let n = 1; ; n++) {
    const backup = n === 1 ? `${file}.bak` : `${file}.bak.${n}`;
    try {
      writeFileSync(backup, text, { mode: 0o600, flag: 'wx' });
      return backup;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1000) throw error;
    }
  }
}

/** Write a sibling and rename it over the file, so a crash never leaves half a config. */
function writeInPlace(file: string, text: string): void {
  const mode = statSync(file).mode & 0o777;
  const temp = `${file}.switchboard-${process.pid}.tmp`;
  try {
    writeFileSync(temp, text, { mode });
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Already gone.
    }
    throw error;
  }
}

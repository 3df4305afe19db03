// Finds keys written in plaintext in a config file (litellm_params.api_key and
// general_settings.master_key that are neither `os.environ/NAME` nor `keychain/NAME`), with
// their line, for the start-time warning and `switchboard keys import`. What it reports for
// people (paths, lines, models) never includes the value.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Scalar } from 'yaml';

export interface LiteralKeyLocation {
  /** e.g. `model_list[0].litellm_params.api_key`. */
  path: string;
  field: 'api_key' | 'master_key';
  /** 1-based line of the value in the file. */
  line: number;
  /** model_name of the entry (api_key only). */
  modelName: string | undefined;
  /** The LiteLLM provider prefix of litellm_params.model, e.g. `openai` (api_key only). */
  provider: string | undefined;
}

/** A location plus the YAML node holding the value, for rewriting it in place. */
export interface LiteralKeyNode extends LiteralKeyLocation {
  node: Scalar;
  value: string;
}

/** Whether a config value is a plaintext key (the rule load-config applies to credentials). */
export function isLiteralKey(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && !value.startsWith('os.environ/') && !value.startsWith('keychain/');
}

export function locateLiteralKeys(doc: Document, counter: LineCounter): LiteralKeyNode[] {
  const found: LiteralKeyNode[] = [];
  const root = doc.contents;
  if (!isMap(root)) return found;
  const scalarAt = (node: unknown): Scalar | undefined => {
    const target = isAlias(node) ? node.resolve(doc) : node;
    return isScalar(target) ? target : undefined;
  };
  const add = (node: unknown, location: Omit<LiteralKeyLocation, 'line'>) => {
    const scalar = scalarAt(node);
    if (!scalar || !isLiteralKey(scalar.value)) return;
    const line = scalar.range ? counter.linePos(scalar.range[0]).line : 0;
    found.push({ ...location, line, node: scalar, value: scalar.value });
  };

  const models = root.get('model_list', true);
  if (isSeq(models)) {
    models.items.forEach((item, index) => {
      const entry = isAlias(item) ? item.resolve(doc) : item;
      if (!isMap(entry)) return;
      const params = entry.get('litellm_params', true) as Node | undefined;
      const paramsMap = isAlias(params) ? params.resolve(doc) : params;
      if (!isMap(paramsMap)) return;
      const modelName = scalarAt(entry.get('model_name', true))?.value;
      const model = scalarAt(paramsMap.get('model', true))?.value;
      const provider = typeof model === 'string' && model.includes('/') ? model.slice(0, model.indexOf('/')) : undefined;
      add(paramsMap.get('api_key', true), {
        path: `model_list[${index}].litellm_params.api_key`,
        field: 'api_key',
        modelName: typeof modelName === 'string' ? modelName : undefined,
        provider,
      });
    });
  }
  const general = root.get('general_settings', true) as Node | undefined;
  const generalMap = isAlias(general) ? general.resolve(doc) : general;
  if (isMap(generalMap)) {
    add(generalMap.get('master_key', true), { path: 'general_settings.master_key', field: 'master_key', modelName: undefined, provider: undefined });
  }
  return found;
}

/** The plaintext keys of a config text, without their values; [] when the YAML does not parse. */
export function findLiteralKeys(text: string): LiteralKeyLocation[] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) return [];
  return locateLiteralKeys(doc, counter).map(({ node: _node, value: _value, ...location }) => location);
}

/** One warning per plaintext key: file, line and field, never the value. */
export function plaintextKeyWarnings(file: string, text: string): string[] {
  return findLiteralKeys(text).map((key) => {
    const what = key.field === 'master_key' ? 'the admin key' : `a provider key${key.modelName ? ` (model "${key.modelName}")` : ''}`;
    return `${file}:${key.line}: ${key.path} holds ${what} in plaintext in this file. Switchboard uses it but never stores it; move it to the OS keychain with: switchboard keys import --config ${file}`;
  });
}

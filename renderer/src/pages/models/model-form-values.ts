// The model form's fields and their translation to and from the LiteLLM model API: prices are
// typed in USD per million tokens and sent per token; the provider key is a reference
// (keychain/NAME or os.environ/NAME), never the key itself.
import type { ModelInfoEntry, ModelNewRequest, ModelUpdateRequest } from '../../../../shared/api/model-schemas.js';
import { FieldError } from '../../components/field-error.js';

export type KeySource = 'none' | 'keychain' | 'env';

export interface ModelFormValues {
  modelName: string;
  provider: string;
  upstreamModel: string;
  apiBase: string;
  apiVersion: string;
  keySource: KeySource;
  keyName: string;
  /** USD per 1M tokens, as typed. */
  inputPrice: string;
  outputPrice: string;
  maxInputTokens: string;
}

export const EMPTY_MODEL_FORM: ModelFormValues = {
  modelName: '',
  provider: 'ollama_chat',
  upstreamModel: '',
  apiBase: '',
  apiVersion: '',
  keySource: 'none',
  keyName: '',
  inputPrice: '',
  outputPrice: '',
  maxInputTokens: '',
};

export function formValuesFromEntry(entry: ModelInfoEntry): ModelFormValues {
  const model = entry.litellm_params.model;
  const slash = model.indexOf('/');
  const ref = entry.litellm_params.api_key ?? '';
  const keySource: KeySource = ref.startsWith('keychain/') ? 'keychain' : ref.startsWith('os.environ/') ? 'env' : 'none';
  return {
    modelName: entry.model_name,
    provider: model.slice(0, slash),
    upstreamModel: model.slice(slash + 1),
    apiBase: entry.litellm_params.api_base,
    apiVersion: entry.litellm_params.api_version ?? '',
    keySource,
    keyName: keySource === 'none' ? '' : ref.slice(ref.indexOf('/') + 1),
    inputPrice: perMillionText(entry.model_info.input_cost_per_token),
    outputPrice: perMillionText(entry.model_info.output_cost_per_token),
    maxInputTokens: entry.model_info.max_input_tokens === null ? '' : String(entry.model_info.max_input_tokens),
  };
}

interface Parsed {
  model_name: string;
  litellm_params: { model: string; api_base?: string; api_version?: string; api_key?: string };
  prices: { input_cost_per_token?: number; output_cost_per_token?: number; max_input_tokens?: number };
}

function parse(values: ModelFormValues): Parsed {
  const modelName = values.modelName.trim();
  if (modelName === '') throw new FieldError<ModelFormValues>('modelName', 'Give the model a name: the name apps will send.');
  const upstream = values.upstreamModel.trim();
  if (upstream === '') throw new FieldError<ModelFormValues>('upstreamModel', "Enter the model's name at the provider.");
  const params: Parsed['litellm_params'] = { model: `${values.provider}/${upstream}` };
  if (values.apiBase.trim() !== '') params.api_base = values.apiBase.trim();
  if (values.apiVersion.trim() !== '') params.api_version = values.apiVersion.trim();
  if (values.keySource !== 'none') {
    const name = values.keyName.trim();
    if (name === '') throw new FieldError<ModelFormValues>('keyName', values.keySource === 'env' ? 'Name the environment variable.' : 'Name the keychain entry.');
    params.api_key = values.keySource === 'env' ? `os.environ/${name}` : `keychain/${name}`;
  }
  const prices: Parsed['prices'] = {};
  const input = price(values.inputPrice, 'inputPrice');
  const output = price(values.outputPrice, 'outputPrice');
  if (input !== undefined) prices.input_cost_per_token = input;
  if (output !== undefined) prices.output_cost_per_token = output;
  if (values.maxInputTokens.trim() !== '') {
    const n = Number(values.maxInputTokens);
    if (!Number.isSafeInteger(n) || n < 1) throw new FieldError<ModelFormValues>('maxInputTokens', 'The context window is a whole number of tokens.');
    prices.max_input_tokens = n;
  }
  return { model_name: modelName, litellm_params: params, prices };
}

export function toNewRequest(values: ModelFormValues): ModelNewRequest {
  const parsed = parse(values);
  const request: ModelNewRequest = { model_name: parsed.model_name, litellm_params: parsed.litellm_params };
  if (Object.keys(parsed.prices).length > 0) request.model_info = parsed.prices;
  return request;
}

/** Every field is sent; one left empty is removed (null), so the stored model matches the form. */
export function toUpdateRequest(id: string, values: ModelFormValues): ModelUpdateRequest {
  const parsed = parse(values);
  const p = parsed.litellm_params;
  return {
    model_name: parsed.model_name,
    litellm_params: { model: p.model, api_base: p.api_base ?? null, api_version: p.api_version ?? null, api_key: p.api_key ?? null },
    model_info: {
      id,
      input_cost_per_token: parsed.prices.input_cost_per_token ?? null,
      output_cost_per_token: parsed.prices.output_cost_per_token ?? null,
      max_input_tokens: parsed.prices.max_input_tokens ?? null,
    },
  };
}

function price(text: string, field: 'inputPrice' | 'outputPrice'): number | undefined {
  if (text.trim() === '') return undefined;
  const perMillion = Number(text);
  if (!Number.isFinite(perMillion) || perMillion < 0) throw new FieldError<ModelFormValues>(field, 'A price is a number of dollars per million tokens, 0 or more.');
  // Twelve decimals: LiteLLM's per-token prices never need more, and it avoids 2.9999999e-6.
  return Number((perMillion / 1_000_000).toFixed(12));
}

function perMillionText(perToken: number | null): string {
  return perToken === null ? '' : String(Number((perToken * 1_000_000).toFixed(6)));
}

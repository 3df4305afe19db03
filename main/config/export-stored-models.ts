// The models added in the dashboard (rows of the models table) written back out as a LiteLLM
// config.yaml fragment, so they can move into a config file or to another gateway. A provider key
// appears only as the reference the model was saved with (keychain/NAME, os.environ/NAME); any
// other api_key value is left out, never written. Pure: the caller reads the rows.
import { stringify } from 'yaml';
import type { StoredModel } from '../storage/model-repository.js';
import { CREDENTIAL_REFERENCE } from '../../shared/api/model-schemas.js';

export interface StoredModelsExport {
  /** The fragment: a comment header and `model_list:`; loads with the config loader as is. */
  yaml: string;
  models: number;
}

export function exportStoredModels(models: readonly StoredModel[]): StoredModelsExport {
  const omitted: string[] = [];
  const modelList = models.map((model) => {
    const { api_key: apiKey, ...params } = model.litellmParams;
    // The model routes only ever store references; a hand-edited row could hold a value.
    if (apiKey !== undefined && !(typeof apiKey === 'string' && CREDENTIAL_REFERENCE.test(apiKey))) omitted.push(model.modelName);
    const keep = typeof apiKey === 'string' && CREDENTIAL_REFERENCE.test(apiKey) ? { api_key: apiKey } : {};
    return { model_name: model.modelName, litellm_params: { ...params, ...keep }, model_info: { ...model.modelInfo, id: model.id } };
  });
  const header = [
    `# Switchboard: ${models.length} model${models.length === 1 ? '' : 's'} added in the dashboard, as a LiteLLM config.yaml fragment.`,
    '# Provider keys are references (keychain/NAME, os.environ/NAME), never the keys themselves.',
    ...(omitted.length === 0 ? [] : [`# Left out an api_key that was not a reference: ${omitted.join(', ')}.`]),
  ];
  return { yaml: `${header.join('\n')}\n${stringify({ model_list: modelList }, { lineWidth: 0 })}`, models: models.length };
}

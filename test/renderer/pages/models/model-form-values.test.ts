import { describe, expect, it } from 'vitest';
import { EMPTY_MODEL_FORM, formValuesFromEntry, toNewRequest, toUpdateRequest, type ModelFormValues } from '../../../../renderer/src/pages/models/model-form-values.js';
import { modelNewRequestSchema, modelUpdateRequestSchema } from '../../../../shared/api/model-schemas.js';
import { sampleModel } from '../../fake-api.js';
import { FieldError } from '../../../../renderer/src/components/field-error.js';

const base = { ...EMPTY_MODEL_FORM, modelName: 'fast', provider: 'openai', upstreamModel: 'gpt-4o-mini' };

describe('model form values', () => {
  it('builds a /model/new request the shared contract accepts', () => {
    const request = toNewRequest({ ...base, keySource: 'env', keyName: 'OPENAI_API_KEY', inputPrice: '0.15', outputPrice: '0.6', maxInputTokens: '128000' });
    expect(request).toEqual({
      model_name: 'fast',
      litellm_params: { model: 'openai/gpt-4o-mini', api_key: 'os.environ/OPENAI_API_KEY' },
      model_info: { input_cost_per_token: 0.00000015, output_cost_per_token: 0.0000006, max_input_tokens: 128000 },
    });
    expect(modelNewRequestSchema.safeParse(request).success).toBe(true);
  });

  it('round-trips an entry through the form', () => {
    const entry = sampleModel({ apiKey: 'keychain/openai', input: 0.0000025, output: 0.00001 });
    const values = formValuesFromEntry(entry);
    expect(values).toMatchObject({ provider: 'openai', upstreamModel: 'gpt-4o-mini', keySource: 'keychain', keyName: 'openai', inputPrice: '2.5', outputPrice: '10' });
    const update = toUpdateRequest('model-1', values);
    expect(update.litellm_params).toMatchObject({ model: 'openai/gpt-4o-mini', api_key: 'keychain/openai' });
    expect(update.model_info).toMatchObject({ id: 'model-1', input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001 });
    expect(modelUpdateRequestSchema.safeParse(update).success).toBe(true);
  });

  it('keeps upstream model names that contain slashes', () => {
    const values = formValuesFromEntry(sampleModel({ model: 'openrouter/meta-llama/llama-3.3-70b-instruct' }));
    expect(values).toMatchObject({ provider: 'openrouter', upstreamModel: 'meta-llama/llama-3.3-70b-instruct' });
  });

  it.each([
    [{ modelName: ' ' }, 'modelName'],
    [{ upstreamModel: '' }, 'upstreamModel'],
    [{ keySource: 'keychain' as const, keyName: '' }, 'keyName'],
    [{ inputPrice: '-1' }, 'inputPrice'],
    [{ outputPrice: 'x' }, 'outputPrice'],
    [{ maxInputTokens: '1.5' }, 'maxInputTokens'],
  ])('refuses %j naming the field', (change, field) => {
    let error: unknown;
    try {
      toNewRequest({ ...base, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FieldError);
    expect((error as FieldError<ModelFormValues>).field).toBe(field);
  });
});

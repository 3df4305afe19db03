// GET /model/export: the dashboard's models as a LiteLLM config.yaml fragment that our own loader
// reads back into the same deployments, with provider keys as references and never as values.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../main/config/load-config.js';
import { createModelRepository } from '../../../../main/storage/model-repository.js';
import { startManagementGateway, type ManagementGateway } from '../../../support/management-gateway.js';

const PROVIDER_SECRET = 'sk-proj-export-secret-0123456789abcdef';
const LITERAL = 'sk-literal-in-a-hand-edited-row-0123456789';

let gateway: ManagementGateway | undefined;
afterEach(async () => {
  await gateway?.dispose();
  gateway = undefined;
});

describe('model-export-routes', () => {
  it('exports the dashboard-added models (not the config file ones) as a fragment that loads back into the same deployments', async () => {
    gateway = await startManagementGateway();
    expect((await gateway.send('POST', '/credentials', { body: { name: 'openai-export', value: PROVIDER_SECRET } })).statusCode).toBe(201);
    const added = [
      { model_name: 'gpt-mini', litellm_params: { model: 'openai/gpt-4o-mini', api_key: 'keychain/openai-export', rpm: 30 }, model_info: { id: 'mini-1', input_cost_per_token: 0.00000015 } },
      { model_name: 'local-qwen', litellm_params: { model: 'ollama_chat/qwen3:8b', api_base: 'http://127.0.0.1:11434', timeout: 300 } },
    ];
    for (const body of added) expect((await gateway.send('POST', '/model/new', { body })).statusCode).toBe(200);
    // A row stored with an os.environ/ reference (as an older gateway or another tool may have).
    createModelRepository(gateway.db.db, gateway.clock).insert({ id: 'env-1', modelName: 'deepseek', litellmParams: { model: 'deepseek/deepseek-chat', api_key: 'os.environ/DEEPSEEK_API_KEY' }, modelInfo: {} });

    const response = await gateway.send('GET', '/model/export');
    expect(response.statusCode).toBe(200);
    const body = response.json() as { models: number; yaml: string };
    expect(body.models).toBe(3);
    expect(body.yaml).toMatch(/^# Switchboard: 3 models added in the dashboard, as a LiteLLM config\.yaml fragment\./);
    expect(body.yaml).toContain('api_key: keychain/openai-export');
    expect(body.yaml).toContain('api_key: os.environ/DEEPSEEK_API_KEY');
    expect(body.yaml).not.toContain(PROVIDER_SECRET);

    const reloaded = parseConfigText(body.yaml, 'export.yaml', { DEEPSEEK_API_KEY: 'set-in-the-new-place' });
    expect(reloaded.warnings).toEqual([]);
    const info = (await gateway.send('GET', '/model/info')).json() as { data: { model_name: string; litellm_params: Record<string, unknown>; model_info: { id: string; db_model: boolean; credential: string } }[] };
    const stored = info.data.filter((entry) => entry.model_info.db_model);
    // The two added through the API are live; the hand-inserted row was never applied.
    expect(stored).toHaveLength(2);
    expect(reloaded.deployments.map((d) => d.id)).toEqual(expect.arrayContaining([...stored.map((entry) => entry.model_info.id), 'env-1']));
    for (const original of stored) {
      const deployment = reloaded.deployments.find((d) => d.id === original.model_info.id)!;
      expect(deployment.modelName).toBe(original.model_name);
      expect(`${deployment.provider}/${deployment.upstreamModel}`).toBe(original.litellm_params.model);
      expect(deployment.apiBase).toBe(original.litellm_params.api_base);
      expect(deployment.timeouts.firstByteMs / 1000).toBe(original.litellm_params.timeout);
      expect(deployment.credential.kind).toBe(original.model_info.credential);
    }
    expect(reloaded.deployments.find((d) => d.id === 'mini-1')).toMatchObject({ rpm: 30, credential: { kind: 'keychain', name: 'openai-export' }, pricing: { inputCostPerToken: 0.00000015 } });
    expect(reloaded.deployments.find((d) => d.id === 'env-1')).toMatchObject({ modelName: 'deepseek', credential: { kind: 'env', name: 'DEEPSEEK_API_KEY' } });
    expect(reloaded.deployments.map((d) => d.modelName)).not.toContain('m');
  });

  it('leaves out an api_key that is not a reference, saying so, and never writes its value', async () => {
    gateway = await startManagementGateway();
    createModelRepository(gateway.db.db, gateway.clock).insert({ id: 'hand-1', modelName: 'edited', litellmParams: { model: 'openai/gpt-4o', api_key: LITERAL }, modelInfo: {} });
    const body = (await gateway.send('GET', '/model/export')).json() as { models: number; yaml: string };
    expect(body.yaml).not.toContain(LITERAL);
    expect(body.yaml).toContain('# Left out an api_key that was not a reference: edited.');
    expect(parseConfigText(body.yaml, 'export.yaml', {}).deployments[0]).toMatchObject({ id: 'hand-1', credential: { kind: 'none' } });
  });

  it('exports an empty model_list when no model was added in the dashboard', async () => {
    gateway = await startManagementGateway();
    const body = (await gateway.send('GET', '/model/export')).json() as { models: number; yaml: string };
    expect(body.models).toBe(0);
    expect(parseConfigText(body.yaml, 'export.yaml', {}).deployments).toEqual([]);
  });

  it('answers only the admin key', async () => {
    gateway = await startManagementGateway();
    const { key } = (await gateway.send('POST', '/key/generate', { body: { key_alias: 'app' } })).json() as { key: string };
    expect((await gateway.send('GET', '/model/export', { key })).statusCode).toBe(403);
    expect((await gateway.send('GET', '/model/export', { key: null })).statusCode).toBe(401);
  });
});

// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelsPage } from '../../../../renderer/src/pages/models/ModelsPage.js';
import { ApiError } from '../../../../renderer/src/api/api-error.js';
import { fakeApi, sampleModel } from '../../fake-api.js';

afterEach(cleanup);

const twoSources = () =>
  fakeApi({
    listModels: async () => ({
      data: [
        sampleModel({ name: 'fast', id: 'fast#0', source: 'config', file: '/home/me/config.yaml' }),
        sampleModel({ name: 'fast', id: 'model-db', model: 'ollama_chat/llama3.2', input: null, output: null }),
      ],
    }),
    health: async () => ({
      healthy_endpoints: [{ model: 'openai/gpt-4o-mini', model_group: 'fast', api_base: 'x', deployment_id: 'fast#0', latency_ms: 120 }],
      unhealthy_endpoints: [{ model: 'ollama_chat/llama3.2', model_group: 'fast', api_base: 'x', deployment_id: 'model-db', latency_ms: 3, error: 'Connection refused' }],
      healthy_count: 1, unhealthy_count: 1, checked_at: '2026-03-15T12:00:00.000Z',
    }),
  });

describe('ModelsPage', () => {
  it('guides to adding a first model when there is none', async () => {
    render(<ModelsPage api={fakeApi()} />);
    expect(await screen.findByText('No models yet.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Add your first model' }));
    expect(screen.getByRole('heading', { name: 'Add a model' })).toBeTruthy();
  });

  it('lists a group with its deployments: health, latency, prices, and where each is defined', async () => {
    render(<ModelsPage api={twoSources()} />);
    const group = (await screen.findByRole('rowheader', { name: /^fast/ })).closest('tbody')!;
    expect(group.textContent).toContain('2 deployments');
    const configRow = within(group).getByText('openai/gpt-4o-mini').closest('tr')!;
    expect(configRow.textContent).toContain('/home/me/config.yaml');
    expect(configRow.textContent).toContain('(read-only)');
    expect(configRow.textContent).toContain('$0.15 / 1M');
    expect(configRow.textContent).toContain('$0.60 / 1M');
    expect(await within(configRow).findByText('Healthy')).toBeTruthy();
    expect(configRow.textContent).toContain('120 ms');
    // Read-only: no edit or delete for a config-file model.
    expect(within(configRow).queryByRole('button', { name: /Edit/ })).toBeNull();
    const dbRow = within(group).getByText('ollama_chat/llama3.2').closest('tr')!;
    expect(dbRow.textContent).toContain('Dashboard');
    expect(within(dbRow).getByText('Unhealthy')).toBeTruthy();
    expect(dbRow.textContent).toContain('Connection refused');
    expect(within(dbRow).getByRole('button', { name: 'Edit fast (ollama_chat/llama3.2)' })).toBeTruthy();
  });

  it('adds a model, converting prices per million tokens to per token and naming the key by reference', async () => {
    const api = fakeApi();
    render(<ModelsPage api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Add a model' }));
    fireEvent.change(screen.getByLabelText('Model name'), { target: { value: 'smart' } });
    fireEvent.change(screen.getByLabelText('Provider'), { target: { value: 'openai' } });
    fireEvent.change(screen.getByLabelText('Model at the provider'), { target: { value: 'gpt-4o' } });
    fireEvent.change(screen.getByLabelText('Provider key'), { target: { value: 'keychain' } });
    fireEvent.change(screen.getByLabelText('Keychain entry'), { target: { value: 'openai' } });
    fireEvent.change(screen.getByLabelText('Input price (USD per 1M tokens)'), { target: { value: '2.5' } });
    fireEvent.change(screen.getByLabelText('Output price (USD per 1M tokens)'), { target: { value: '10' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add model' }));
    expect(await screen.findByText('Added smart (openai/gpt-4o).')).toBeTruthy();
    expect(api.createModel).toHaveBeenCalledWith({
      model_name: 'smart',
      litellm_params: { model: 'openai/gpt-4o', api_key: 'keychain/openai' },
      model_info: { input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001 },
    });
    expect(screen.queryByRole('heading', { name: 'Add a model' })).toBeNull();
  });

  it("keeps the form open and shows the gateway's reason when it refuses a model", async () => {
    const api = fakeApi({
      createModel: async () => {
        throw new ApiError(400, 'invalid_request', 'litellm_params.api_base is required for provider "azure"', 'litellm_params.api_base');
      },
    });
    render(<ModelsPage api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Add a model' }));
    fireEvent.change(screen.getByLabelText('Model name'), { target: { value: 'az' } });
    fireEvent.change(screen.getByLabelText('Provider'), { target: { value: 'azure' } });
    expect(screen.getByLabelText('API version')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Model at the provider'), { target: { value: 'dep' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add model' }));
    expect((await screen.findByRole('alert')).textContent).toContain('api_base is required');
    expect(screen.getByRole('heading', { name: 'Add a model' })).toBeTruthy();
  });

  it('checks the form before sending: a price must be a number', async () => {
    const api = fakeApi();
    render(<ModelsPage api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Add a model' }));
    fireEvent.change(screen.getByLabelText('Model name'), { target: { value: 'x' } });
    fireEvent.change(screen.getByLabelText('Model at the provider'), { target: { value: 'y' } });
    fireEvent.change(screen.getByLabelText('Input price (USD per 1M tokens)'), { target: { value: 'cheap' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add model' }));
    expect((await screen.findByRole('alert')).textContent).toContain('dollars per million tokens');
    expect(api.createModel).not.toHaveBeenCalled();
  });

  it('edits a dashboard model, removing cleared fields', async () => {
    const api = twoSources();
    render(<ModelsPage api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit fast (ollama_chat/llama3.2)' }));
    expect((screen.getByLabelText('Model at the provider') as HTMLInputElement).value).toBe('llama3.2');
    fireEvent.change(screen.getByLabelText('Base URL'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Model at the provider'), { target: { value: 'qwen3:8b' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(api.updateModel).toHaveBeenCalled());
    expect(api.updateModel).toHaveBeenCalledWith({
      model_name: 'fast',
      litellm_params: { model: 'ollama_chat/qwen3:8b', api_base: null, api_version: null, api_key: null },
      model_info: { id: 'model-db', input_cost_per_token: null, output_cost_per_token: null, max_input_tokens: null },
    });
  });

  it('deletes a dashboard model after confirmation', async () => {
    const api = twoSources();
    render(<ModelsPage api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete fast (ollama_chat/llama3.2)' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Deleted ollama_chat/llama3.2 from fast.')).toBeTruthy();
    expect(api.deleteModel).toHaveBeenCalledWith('model-db');
  });

  it("tests a deployment and shows the model's answer as text with the latency", async () => {
    const api = twoSources();
    api.testModel.mockResolvedValue({ ok: true, model: 'fast', deployment_id: 'fast#0', latency_ms: 42, answer: '<img src=x onerror="alert(1)"> hi', error: null });
    render(<ModelsPage api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Test fast (openai/gpt-4o-mini)' }));
    expect(await screen.findByText('<img src=x onerror="alert(1)"> hi')).toBeTruthy();
    expect(document.querySelector('img')).toBeNull();
    expect(screen.getByText(/42 ms/)).toBeTruthy();
    expect(api.testModel).toHaveBeenCalledWith('fast#0');
  });

  it('shows why a test failed', async () => {
    const api = twoSources();
    api.testModel.mockResolvedValue({ ok: false, model: 'fast', deployment_id: 'model-db', latency_ms: 3, answer: null, error: 'Could not connect to the upstream' });
    render(<ModelsPage api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Test fast (ollama_chat/llama3.2)' }));
    expect(await screen.findByText(/Could not connect to the upstream/)).toBeTruthy();
  });

  it('switches the active model', async () => {
    const api = fakeApi({ activeModel: async () => ({ alias: 'switchboard/active', model: 'fast', aliases: { 'switchboard/active': 'fast' }, models: ['fast', 'smart'] }) });
    render(<ModelsPage api={api} />);
    const select = await screen.findByLabelText(/Apps that send/);
    expect((select as HTMLSelectElement).value).toBe('fast');
    const button = screen.getByRole('button', { name: 'Make active' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.change(select, { target: { value: 'smart' } });
    fireEvent.click(button);
    expect(await screen.findByText('Active model is now smart.')).toBeTruthy();
    expect(api.switchActiveModel).toHaveBeenCalledWith('smart');
  });

  it('adds a discovered local model with one click', async () => {
    const api = fakeApi({
      discoverModels: async () => ({
        servers: [
          { api_base: 'http://127.0.0.1:11434', provider: 'ollama_chat', source: 'default', reachable: true, models: [
            { id: 'qwen3:8b', already_configured: false, configured_as: [], litellm_model: 'ollama_chat/qwen3:8b' },
            { id: 'llama3.2', already_configured: true, configured_as: ['llama'], litellm_model: 'ollama_chat/llama3.2' },
          ] },
          { api_base: 'http://127.0.0.1:1234/v1', provider: 'lm_studio', source: 'default', reachable: false, error: 'connection refused', models: [] },
        ],
      }),
    });
    render(<ModelsPage api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Find local models' }));
    expect(await screen.findByText('Added as llama')).toBeTruthy();
    expect(screen.getByText(/Not running: connection refused/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Add qwen3:8b' }));
    await waitFor(() => expect(api.createModel).toHaveBeenCalledWith({ model_name: 'qwen3:8b', litellm_params: { model: 'ollama_chat/qwen3:8b', api_base: 'http://127.0.0.1:11434' } }));
    expect(await screen.findByText('Added')).toBeTruthy();
  });

  it('stores a provider key write-only: the value is cleared and only the mask comes back', async () => {
    const api = fakeApi({ listCredentials: async () => ({ data: [{ name: 'openai', stored_in: 'keychain', location: 'x', mask: 'sk-...aaaa', missing: false, used_by: ['smart'] }], store: { kind: 'keychain', location: 'the OS keychain' } }) });
    render(<ModelsPage api={api} />);
    expect((await screen.findByText('sk-...aaaa')).closest('tr')!.textContent).toContain('smart');
    fireEvent.change(screen.getByLabelText('Key name'), { target: { value: 'anthropic' } });
    const value = screen.getByLabelText('Key') as HTMLInputElement;
    expect(value.type).toBe('password');
    fireEvent.change(value, { target: { value: 'sk-ant-secret' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save to keychain' }));
    expect(await screen.findByText(/Saved anthropic \(sk-\.\.\.1234\)\. Use it in a model as keychain\/anthropic\./)).toBeTruthy();
    expect(api.saveCredential).toHaveBeenCalledWith('anthropic', 'sk-ant-secret');
    expect(value.value).toBe('');
    expect(document.body.textContent).not.toContain('sk-ant-secret');
  });

  it('hides provider keys on a gateway without a keychain', async () => {
    const api = fakeApi({
      listCredentials: async () => {
        throw new ApiError(404, 'route_not_found', 'No route for GET /credentials');
      },
    });
    render(<ModelsPage api={api} />);
    await screen.findByText('No models yet.');
    await waitFor(() => expect(api.listCredentials).toHaveBeenCalled());
    expect(screen.queryByRole('heading', { name: 'Provider keys' })).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../main/config/load-config.js';
import { BENCH_MODEL } from '../../bench/chat-request.js';
import { GROUP_DEPLOYMENT_IDS, chatOnlyDeploymentConfig, singleDeploymentConfig, twoDeploymentGroupConfig } from '../../bench/gateway-target.js';
import { responsesRequest } from '../../bench/responses-request.js';
import { ollamaRequest } from '../../bench/ollama-request.js';
import { anthropicRequest } from '../../bench/anthropic-request.js';
import { chatRequest } from '../../bench/chat-request.js';
import { DEFAULT_ROUTER_SETTINGS } from '../../main/routing/router-settings.js';

const MOCK = 'http://127.0.0.1:41234';

describe('gateway-target', () => {
  it('configures the plain gateway with one deployment of the mock', () => {
    const config = parseConfigText(singleDeploymentConfig(MOCK), 'bench.yaml', {});
    expect(config.deployments.map((d) => [d.modelName, d.apiBase])).toEqual([[BENCH_MODEL, `${MOCK}/v1`]]);
  });

  it('configures a model group: two deployments of the mock under one name, told apart by model_info.id', () => {
    const config = parseConfigText(twoDeploymentGroupConfig(MOCK), 'bench.yaml', {});
    expect(config.deployments.map((d) => [d.id, d.modelName, d.apiBase, d.upstreamModel])).toEqual(
      GROUP_DEPLOYMENT_IDS.map((id) => [id, BENCH_MODEL, `${MOCK}/v1`, BENCH_MODEL]),
    );
    expect(new Set(GROUP_DEPLOYMENT_IDS).size).toBe(2);
  });

  it('configures the Responses bridge scenario with a chat-only provider for the same mock', () => {
    const config = parseConfigText(chatOnlyDeploymentConfig(MOCK), 'bench.yaml', {});
    expect(config.deployments.map((d) => [d.modelName, d.provider, d.apiBase, d.upstreamModel])).toEqual([[BENCH_MODEL, 'hosted_vllm', `${MOCK}/v1`, BENCH_MODEL]]);
  });

  it('sends the chat prompt and output cap as a Responses request, streamed or not', () => {
    const headers = { authorization: 'Bearer k' };
    const chat = JSON.parse(chatRequest('chat', headers).body!) as { messages: { content: string }[]; max_tokens: number };
    const plain = responsesRequest('chat', headers);
    const streamed = responsesRequest('chat-stream', headers);
    expect(plain.path).toBe('/v1/responses');
    expect(plain.headers).toEqual({ 'content-type': 'application/json', authorization: 'Bearer k' });
    expect(JSON.parse(plain.body!)).toEqual({ model: BENCH_MODEL, input: chat.messages[0]!.content, max_output_tokens: chat.max_tokens, store: false });
    expect(JSON.parse(streamed.body!)).toMatchObject({ stream: true });
  });

  it('sends the chat prompt and output cap as an Ollama /api/chat request, stream said explicitly (Ollama streams by default)', () => {
    const headers = { authorization: 'Bearer k' };
    const chat = JSON.parse(chatRequest('chat', headers).body!) as { messages: unknown[]; max_tokens: number };
    const plain = ollamaRequest('chat', headers);
    expect(plain.path).toBe('/api/chat');
    expect(plain.headers).toEqual({ 'content-type': 'application/json', authorization: 'Bearer k' });
    expect(JSON.parse(plain.body!)).toEqual({ model: BENCH_MODEL, messages: chat.messages, options: { num_predict: chat.max_tokens }, stream: false });
    expect(JSON.parse(ollamaRequest('chat-stream', headers).body!)).toMatchObject({ stream: true });
  });

  it('sends the chat prompt and output cap as an Anthropic Messages request, with the API version Claude Code sends', () => {
    const headers = { authorization: 'Bearer k' };
    const chat = JSON.parse(chatRequest('chat', headers).body!) as { messages: unknown[]; max_tokens: number };
    const plain = anthropicRequest('chat', headers);
    expect(plain.path).toBe('/v1/messages');
    expect(plain.headers).toEqual({ 'content-type': 'application/json', 'anthropic-version': '2023-06-01', authorization: 'Bearer k' });
    expect(JSON.parse(plain.body!)).toEqual({ model: BENCH_MODEL, max_tokens: chat.max_tokens, messages: chat.messages });
    expect(JSON.parse(anthropicRequest('chat-stream', headers).body!)).toMatchObject({ stream: true });
  });

  it.each([
    ['chat-only deployment', chatOnlyDeploymentConfig],
    ['single deployment', singleDeploymentConfig],
    ['two-deployment group', twoDeploymentGroupConfig],
  ])('the %s config is accepted without warnings and leaves every routing setting at its default', (_name, configYaml) => {
    const config = parseConfigText(configYaml(MOCK), 'bench.yaml', {});
    expect(config.routerSettings).toEqual(DEFAULT_ROUTER_SETTINGS);
    expect(config.warnings).toEqual([]);
  });
});

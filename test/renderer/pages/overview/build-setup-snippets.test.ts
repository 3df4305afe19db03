import { describe, expect, it } from 'vitest';
import { buildSetupSnippet, OLLAMA_SETUP_CLIENTS, SETUP_CLIENTS, shellQuote } from '../../../../renderer/src/pages/overview/build-setup-snippets.js';

const input = { origin: 'http://127.0.0.1:4141', key: 'sk-abc', model: 'fast' };

describe('buildSetupSnippet', () => {
  it.each(SETUP_CLIENTS.filter((c) => !OLLAMA_SETUP_CLIENTS.has(c)))('fills %s with the address, the key and the model', (client) => {
    const snippet = buildSetupSnippet(client, input);
    const code = [snippet.code, ...(snippet.steps ?? []).map((step) => step.code)].join('\n');
    // Claude Code takes the origin (it appends /v1/messages itself); the others the /v1 base.
    expect(code).toContain(client === 'claude-code' ? "ANTHROPIC_BASE_URL=http://127.0.0.1:4141\n" : 'http://127.0.0.1:4141/v1');
    expect(code).toContain('sk-abc');
    expect(code).toContain('fast');
  });

  it.each([
    ['openai-python', 'OpenAI(base_url="http://127.0.0.1:4141/v1", api_key="sk-abc")'],
    ['openai-js', "new OpenAI({ baseURL: \"http://127.0.0.1:4141/v1\", apiKey: \"sk-abc\" })"],
    ['langchain', 'ChatOpenAI(base_url="http://127.0.0.1:4141/v1", api_key="sk-abc", model="fast")'],
    ['claude-code', 'export ANTHROPIC_AUTH_TOKEN=sk-abc'],
    ['continue', 'apiBase: "http://127.0.0.1:4141/v1"'],
    ['aider', '--model openai/fast'],
    ['open-webui', '-e OPENAI_API_BASE_URL=http://127.0.0.1:4141/v1'],
  ] as const)('writes %s the way that client reads it', (client, expected) => {
    expect(buildSetupSnippet(client, input).code).toContain(expected);
  });

  it.each([...OLLAMA_SETUP_CLIENTS])('points %s at the Ollama-compatible API, never at /v1 and never with the key', (client) => {
    const snippet = buildSetupSnippet(client, input);
    expect(snippet.code).toContain('http://127.0.0.1:4141');
    expect(snippet.code).not.toContain('/v1');
    expect(snippet.code).not.toContain('sk-abc');
    expect(snippet.note).toMatch(/allow_without_key/);
    const onListener = buildSetupSnippet(client, { ...input, ollamaOrigin: 'http://127.0.0.1:11434' });
    expect(onListener.code).toContain('http://127.0.0.1:11434');
    expect(onListener.code).not.toContain('4141');
  });

  it.each([
    ['copilot-chat', '"github.copilot.chat.byok.ollamaEndpoint": "http://127.0.0.1:4141"'],
    ['jetbrains-ai', 'URL:            http://127.0.0.1:4141\nModel:          fast:latest'],
    ['zed', '"language_models": {\n  "ollama": {\n    "api_url": "http://127.0.0.1:4141"\n  }\n}'],
    ['open-webui-ollama', "-e OLLAMA_BASE_URL=http://127.0.0.1:4141 \\\n"],
  ] as const)('writes the Ollama setup of %s the way that client reads it', (client, expected) => {
    expect(buildSetupSnippet(client, input).code).toContain(expected);
  });

  it('keeps a tagged model name as it is in Ollama snippets', () => {
    expect(buildSetupSnippet('jetbrains-ai', { ...input, model: 'qwen3:8b' }).code).toContain('Model:          qwen3:8b');
  });

  it('quotes hostile values so a pasted snippet cannot run anything else', () => {
    const { code } = buildSetupSnippet('curl', { ...input, key: "k'; rm -rf ~ #", model: 'm"x' });
    expect(code).toContain(`-H 'Authorization: Bearer k'\\''; rm -rf ~ #'`);
    expect(code).toContain(`'{"model":"m\\"x","messages":[{"role":"user","content":"Hello"}]}'`);
    const python = buildSetupSnippet('openai-python', { ...input, key: 'a"b\\c' }).code;
    expect(python).toContain('api_key="a\\"b\\\\c"');
  });

  it.each([
    ['simple', 'simple'],
    ['http://x:1/v1', 'http://x:1/v1'],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['$(id)', "'$(id)'"],
  ])('shellQuote(%j) is %s', (text, quoted) => {
    expect(shellQuote(text)).toBe(quoted);
  });
});

describe('the Codex setup', () => {
  it('points Codex at /v1 over the Responses API, with the key from an environment variable', () => {
    const snippet = buildSetupSnippet('codex', input);
    expect(snippet.where).toBe('~/.codex/config.toml');
    expect(snippet.code).toBe(`model = "fast"
model_provider = "switchboard"
# For a model Codex does not know (any local one), run the catalog step below and put the
# line it prints here:
# model_catalog_json = "/home/you/.codex/switchboard-models.json"

[model_providers.switchboard]
name = "Switchboard"
base_url = "http://127.0.0.1:4141/v1"
wire_api = "responses"
env_key = "SWITCHBOARD_API_KEY"`);
    // The key never goes into config.toml: Codex reads it from env_key.
    expect(snippet.code).not.toContain('sk-abc');
    expect(snippet.steps?.[0]?.code).toBe('export SWITCHBOARD_API_KEY=sk-abc\ncodex');
    expect(snippet.note).toContain('apply_patch');
  });

  it('writes the model name as a TOML string, whatever it holds', () => {
    const { code } = buildSetupSnippet('codex', { ...input, model: 'qwen "3"\\x' });
    expect(code).toContain('model = "qwen \\"3\\"\\\\x"');
  });
});

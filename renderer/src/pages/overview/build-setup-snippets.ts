// Ready-to-paste setup for common clients, filled in with this gateway's address, a key and a
// model. Pure text building: the result is shown in <pre> as text, never as HTML. The key is
// whatever the user chose to show (their own key, or a placeholder).

export const SETUP_CLIENTS = [
  'openai-python',
  'openai-js',
  'curl',
  'langchain',
  'claude-code',
  'codex',
  'continue',
  'cline',
  'aider',
  'open-webui',
] as const;
export type SetupClient = (typeof SETUP_CLIENTS)[number];

export const SETUP_CLIENT_LABELS: Record<SetupClient, string> = {
  'openai-python': 'OpenAI SDK (Python)',
  'openai-js': 'OpenAI SDK (JavaScript)',
  curl: 'curl',
  langchain: 'LangChain (Python)',
  'claude-code': 'Claude Code',
  codex: 'Codex CLI',
  continue: 'Continue',
  cline: 'Cline',
  aider: 'Aider',
  'open-webui': 'Open WebUI',
};

export interface SetupInput {
  /** The gateway's origin, e.g. http://127.0.0.1:4141 (no trailing slash). */
  origin: string;
  key: string;
  model: string;
}

export interface SetupSnippet {
  /** Where it goes: "Terminal", "~/.continue/config.yaml", ... */
  where: string;
  language: 'python' | 'javascript' | 'shell' | 'yaml' | 'toml' | 'text';
  code: string;
  note?: string;
}

export function buildSetupSnippet(client: SetupClient, input: SetupInput): SetupSnippet {
  const base = `${input.origin}/v1`;
  const { key, model } = input;
  const json = (value: string) => JSON.stringify(value);
  switch (client) {
    case 'openai-python':
      return {
        where: 'Python',
        language: 'python',
        code: `from openai import OpenAI

client = OpenAI(base_url=${json(base)}, api_key=${json(key)})
reply = client.chat.completions.create(
    model=${json(model)},
    messages=[{"role": "user", "content": "Hello"}],
)
print(reply.choices[0].message.content)`,
      };
    case 'openai-js':
      return {
        where: 'JavaScript / TypeScript',
        language: 'javascript',
        code: `import OpenAI from 'openai';

const client = new OpenAI({ baseURL: ${json(base)}, apiKey: ${json(key)} });
const reply = await client.chat.completions.create({
  model: ${json(model)},
  messages: [{ role: 'user', content: 'Hello' }],
});
console.log(reply.choices[0].message.content);`,
      };
    case 'curl':
      return {
        where: 'Terminal',
        language: 'shell',
        code: `curl ${base}/chat/completions \\
  -H ${shellQuote(`Authorization: Bearer ${key}`)} \\
  -H 'Content-Type: application/json' \\
  -d ${shellQuote(JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }] }))}`,
      };
    case 'langchain':
      return {
        where: 'Python (pip install langchain-openai)',
        language: 'python',
        code: `from langchain_openai import ChatOpenAI

llm = ChatOpenAI(base_url=${json(base)}, api_key=${json(key)}, model=${json(model)})
print(llm.invoke("Hello").content)`,
      };
    case 'claude-code':
      return {
        where: 'Terminal, before running claude (or the "env" block of ~/.claude/settings.json)',
        language: 'shell',
        code: `export ANTHROPIC_BASE_URL=${shellQuote(input.origin)}
export ANTHROPIC_AUTH_TOKEN=${shellQuote(key)}
export ANTHROPIC_MODEL=${shellQuote(model)}
export ANTHROPIC_SMALL_FAST_MODEL=${shellQuote(model)}
claude`,
        note: 'Claude Code calls /v1/messages, which Switchboard translates for any model. Unset ANTHROPIC_API_KEY so it does not take precedence.',
      };
    case 'codex':
      return {
        where: '~/.codex/config.toml, then export SWITCHBOARD_API_KEY in your shell',
        language: 'toml',
        code: `model = ${json(model)}
model_provider = "switchboard"

[model_providers.switchboard]
name = "Switchboard"
base_url = ${json(base)}
env_key = "SWITCHBOARD_API_KEY"
wire_api = "chat"

# export SWITCHBOARD_API_KEY=${shellQuote(key)}`,
        note: 'Codex releases from 2026 on accept only wire_api = "responses" (the Responses API), which this Switchboard version does not serve yet; use a Codex version that still supports "chat".',
      };
    case 'continue':
      return {
        where: '~/.continue/config.yaml',
        language: 'yaml',
        code: `models:
  - name: Switchboard ${yamlScalar(model)}
    provider: openai
    model: ${yamlScalar(model)}
    apiBase: ${yamlScalar(base)}
    apiKey: ${yamlScalar(key)}`,
      };
    case 'cline':
      return {
        where: 'Cline settings',
        language: 'text',
        code: `API Provider:  OpenAI Compatible
Base URL:      ${base}
API Key:       ${key}
Model ID:      ${model}`,
      };
    case 'aider':
      return {
        where: 'Terminal',
        language: 'shell',
        code: `aider --openai-api-base ${shellQuote(base)} \\
  --openai-api-key ${shellQuote(key)} \\
  --model ${shellQuote(`openai/${model}`)}`,
      };
    case 'open-webui':
      return {
        where: 'Terminal (Docker)',
        language: 'shell',
        code: `docker run -d --network=host \\
  -e OPENAI_API_BASE_URL=${shellQuote(base)} \\
  -e OPENAI_API_KEY=${shellQuote(key)} \\
  -v open-webui:/app/backend/data --name open-webui ghcr.io/open-webui/open-webui:main
# then pick ${shellQuote(model)} in Open WebUI's model menu (http://localhost:8080)`,
        note: 'Host networking lets the container reach 127.0.0.1; Switchboard refuses other host names (such as host.docker.internal) unless LAN access is on and the name is listed in general_settings.allowed_hosts.',
      };
  }
}

/** Single-quoted for POSIX shells: safe for any text, including quotes. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function yamlScalar(text: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(text) && !/^[-.]/.test(text) ? text : JSON.stringify(text);
}

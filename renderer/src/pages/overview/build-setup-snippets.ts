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
  'copilot-chat',
  'jetbrains-ai',
  'zed',
  'open-webui-ollama',
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
  'copilot-chat': 'GitHub Copilot Chat (VS Code, Ollama)',
  'jetbrains-ai': 'JetBrains AI Assistant (Ollama)',
  zed: 'Zed (Ollama)',
  'open-webui-ollama': 'Open WebUI (Ollama connection)',
};

/** The clients that reach Switchboard through its Ollama-compatible API (/api/*) rather than /v1. */
export const OLLAMA_SETUP_CLIENTS: ReadonlySet<SetupClient> = new Set(['copilot-chat', 'jetbrains-ai', 'zed', 'open-webui-ollama']);

/** Ollama clients mostly cannot send a key; said under each of their snippets. */
const KEYLESS_NOTE = 'It sends no key: with an admin key set, turn on general_settings.ollama_api.allow_without_key and list the models it may use in general_settings.ollama_api.models (any program on this machine can then use those models). Models appear as name:latest.';

export interface SetupInput {
  /** The gateway's origin, e.g. http://127.0.0.1:4141 (no trailing slash). */
  origin: string;
  /** The Ollama listener's origin when it is on (e.g. http://127.0.0.1:11434); Ollama clients use it over `origin`. */
  ollamaOrigin?: string;
  key: string;
  model: string;
}

export interface SetupStep {
  /** Where it goes: "Terminal", "~/.continue/config.yaml", ... */
  where: string;
  language: 'python' | 'javascript' | 'shell' | 'yaml' | 'toml' | 'text';
  code: string;
}

export interface SetupSnippet extends SetupStep {
  /** Further blocks to paste elsewhere (a shell line beside a config file), each copied on its own. */
  steps?: readonly SetupStep[];
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
        where: 'Terminal, before running claude (or the same variables in the "env" block of ~/.claude/settings.json)',
        language: 'shell',
        // Claude Code 2.x names its models per tier (opus, sonnet, haiku for background work);
        // ANTHROPIC_SMALL_FAST_MODEL is the deprecated 1.x name of the haiku one.
        code: `export ANTHROPIC_BASE_URL=${shellQuote(input.origin)}
export ANTHROPIC_AUTH_TOKEN=${shellQuote(key)}
unset ANTHROPIC_API_KEY
export ANTHROPIC_MODEL=${shellQuote(model)}
export ANTHROPIC_DEFAULT_OPUS_MODEL=${shellQuote(model)}
export ANTHROPIC_DEFAULT_SONNET_MODEL=${shellQuote(model)}
export ANTHROPIC_DEFAULT_HAIKU_MODEL=${shellQuote(model)}
claude`,
        note: 'Claude Code calls /v1/messages (it adds the path to ANTHROPIC_BASE_URL itself), which Switchboard translates for any model; the key goes as Authorization: Bearer. ANTHROPIC_API_KEY is unset because it would take precedence over the token. Each tier (opus, sonnet, haiku for background work) is pointed at this model.',
      };
    case 'codex':
      return {
        where: '~/.codex/config.toml',
        language: 'toml',
        // Top-level keys first: after a [table] header they would belong to that table.
        code: `model = ${json(model)}
model_provider = "switchboard"
# For a model Codex does not know (any local one), run the catalog step below and put the
# line it prints here:
# model_catalog_json = "/home/you/.codex/switchboard-models.json"

[model_providers.switchboard]
name = "Switchboard"
base_url = ${json(base)}
wire_api = "responses"
env_key = "SWITCHBOARD_API_KEY"`,
        steps: [
          {
            where: 'Terminal, before running codex (or in your shell profile)',
            language: 'shell',
            code: `export SWITCHBOARD_API_KEY=${shellQuote(key)}
codex`,
          },
          {
            where: 'Terminal, once per model Codex does not know: its catalog entry (needs node)',
            language: 'shell',
            code: `codex debug models --bundled | node -e ${shellQuote(codexCatalogProgram(model))}`,
          },
        ],
        note: 'Codex speaks only the Responses API (wire_api = "responses"), which Switchboard serves at /v1/responses for every model. A model missing from Codex\'s catalog runs on fallback metadata, without the freeform apply_patch tool Codex edits files with; the catalog step copies the entry of a model Codex knows under this model\'s name (apply_patch_tool_type "freeform"). Set model_context_window in config.toml to your model\'s context length.',
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
    case 'copilot-chat':
      return {
        where: 'VS Code settings.json (then Copilot Chat → Manage Models → Ollama)',
        language: 'text',
        code: `"github.copilot.chat.byok.ollamaEndpoint": ${json(ollamaBase(input))}`,
        note: `Copilot lists the models from /api/tags and turns on agent mode for those whose /api/show lists the "tools" capability. ${KEYLESS_NOTE}`,
      };
    case 'jetbrains-ai':
      return {
        where: 'Settings → Tools → AI Assistant → Models → Ollama',
        language: 'text',
        code: `Enable Ollama:  on
URL:            ${ollamaBase(input)}
Model:          ${toTagName(model)}`,
        note: KEYLESS_NOTE,
      };
    case 'zed':
      return {
        where: 'Zed settings.json',
        language: 'text',
        code: `"language_models": {
  "ollama": {
    "api_url": ${json(ollamaBase(input))}
  }
}`,
        note: `Then pick ${toTagName(model)} in the Agent panel's model menu. To use a key instead of keyless access, set it as the Ollama API key in Zed (sent as "Authorization: Bearer"). ${KEYLESS_NOTE}`,
      };
    case 'open-webui-ollama':
      return {
        where: 'Terminal (Docker)',
        language: 'shell',
        code: `docker run -d --network=host \\
  -e OLLAMA_BASE_URL=${shellQuote(ollamaBase(input))} \\
  -v open-webui:/app/backend/data --name open-webui ghcr.io/open-webui/open-webui:main
# then pick ${shellQuote(toTagName(model))} in Open WebUI's model menu (http://localhost:8080)`,
        note: `To send a key instead, add it as the connection's key under Admin Settings → Connections → Ollama. ${KEYLESS_NOTE}`,
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

/**
 * A node program that reads Codex's bundled catalog (`codex debug models --bundled`, the
 * ModelsResponse JSON of the installed Codex, so every field that version requires is there) and
 * writes an entry for `model` into $CODEX_HOME/switchboard-models.json, keeping the entries of
 * other models, then prints the config line that points Codex at the file.
 */
function codexCatalogProgram(model: string): string {
  return `const fs = require("fs"), os = require("os"), path = require("path");
const slug = ${JSON.stringify(model)};
const file = path.join(process.env.CODEX_HOME || path.join(os.homedir(), ".codex"), "switchboard-models.json");
const { models } = JSON.parse(fs.readFileSync(0, "utf8"));
const template = models.find((m) => m.apply_patch_tool_type === "freeform") || models[0];
let kept = [];
try { kept = JSON.parse(fs.readFileSync(file, "utf8")).models.filter((m) => m.slug !== slug); } catch {}
const entry = { ...template, slug, display_name: slug, apply_patch_tool_type: "freeform" };
fs.writeFileSync(file, JSON.stringify({ models: [...kept, entry] }, null, 2) + "\\n");
console.log("model_catalog_json = " + JSON.stringify(file));`;
}

/** Ollama clients take the server's origin and add /api/... themselves. */
function ollamaBase(input: SetupInput): string {
  return input.ollamaOrigin ?? input.origin;
}

/** The name Ollama clients list a model under (resolve-ollama-model-name.ts on the server). */
function toTagName(model: string): string {
  return model.includes(':') ? model : `${model}:latest`;
}

/** Single-quoted for POSIX shells: safe for any text, including quotes. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function yamlScalar(text: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(text) && !/^[-.]/.test(text) ? text : JSON.stringify(text);
}

// guessApp: names the app behind a request made with the master key, from its User-Agent and a
// few identifying headers, so usage is per app before the user makes per-app keys. Known apps
// and libraries get a member of a closed set; any other client gets its User-Agent's product
// token (`MyTool/1.2 (linux)` -> `MyTool`), which is client-controlled text and so is only taken
// when it is a short plain token (letters, digits, `.`, `_`, `-`): nothing else of a header ever
// reaches the ledger. Never throws; looks at a bounded prefix of each header.

export type GuessedApp =
  | 'claude-code'
  | 'codex'
  | 'opencode'
  | 'qwen-code'
  | 'cursor'
  | 'continue'
  | 'cline'
  | 'roo-code'
  | 'kilo-code'
  | 'aider'
  | 'open-webui'
  | 'langchain'
  | 'zed'
  | 'litellm'
  | 'openai-python'
  | 'openai-js'
  | 'anthropic-python'
  | 'anthropic-js'
  | 'ollama-js'
  | 'ollama-python'
  | 'python-requests'
  | 'python-httpx'
  | 'python-aiohttp'
  | 'curl'
  | 'node-fetch'
  | 'go-http-client'
  /** The dashboard's own Playground (it sends `X-Title: Switchboard Playground`). */
  | 'playground'
  /** A web browser (`Mozilla/5.0 …`) whose page names no app. */
  | 'browser'
  | 'unknown';

/** A known app, or an unknown client's product token (see PRODUCT_TOKEN). */
export type AppName = GuessedApp | (string & {});

/**
 * The first product of a User-Agent (RFC 9110 §10.1.5: `product = token ["/" product-version]`),
 * kept only when it is a plain short name followed by a version: no spaces, quotes, angle
 * brackets or control characters can pass, so the name is safe in a log line and a CSV cell.
 */
const PRODUCT_TOKEN = /^([A-Za-z][A-Za-z0-9._-]{0,31})\/[!-~]/;

/** Request headers as fastify gives them: lower-case names. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

const MAX_HEADER = 512;

/** Codex's originators, lower-cased: `codex_cli_rs`, `codex_exec`, `codex_vscode`, `codex-tui`, `codex desktop`. */
const CODEX_ORIGINATOR = /^codex(?:[ _-][a-z_]+)?$/;
const CODEX_UA = /^codex(?:[ _-][a-z_]+)?\//;

/**
 * Apps that name themselves in the User-Agent. Checked before the headers and before the
 * libraries, because an app's UA often also names the SDK it is built on.
 */
const APP_RULES: readonly [RegExp, GuessedApp][] = [
  // Claude Code: `claude-cli/2.0.69 (external, cli)` (it replaces its Anthropic SDK's UA);
  // the string LiteLLM's proxy tests use for add_litellm_data_to_request, and the one LiteLLM's
  // "custom User-Agent for Anthropic" doc says Claude Code credentials are bound to.
  [/^claude-cli\//, 'claude-code'],
  // Codex (CLI, `codex exec`, TUI, IDE extension, desktop app): the User-Agent starts with its
  // `originator` header's value, get_codex_user_agent() in codex-rs/login/src/auth/default_client.rs:
  // `{originator}/{version} ({os} {os_version}; {arch}) {terminal}`, DEFAULT_ORIGINATOR
  // `codex_cli_rs`; `codex_exec`, `codex_vscode`; newer builds `codex-tui` (`codex-tui/0.145.0
  // (Mac OS 26.5.0; arm64) iTerm.app/3.6.10 (codex-tui; 0.145.0)`) and `Codex Desktop`.
  [CODEX_UA, 'codex'],
  // opencode: `opencode/${Installation.VERSION}` on every provider request (packages/opencode
  // session/llm.ts headers, beside `x-session-affinity`); the AI SDK may append its own suffix.
  [/^opencode\//, 'opencode'],
  // Qwen Code: `QwenCode/${version} (${process.platform}; ${process.arch})` (buildHeaders() of
  // its OpenAI content-generator providers in packages/core).
  [/^qwencode\//, 'qwen-code'],
  // Cursor calls custom base URLs from its own servers, so a local gateway rarely sees it;
  // unverified UA, matched on the product name.
  [/\bcursor\b/, 'cursor'],
  // Kilo Code: `Kilo-Code/${version}` with `X-Title: Kilo Code`; Roo Code forks send
  // `RooCode/${version}` (their DEFAULT_HEADERS). Both descend from Cline, so before Cline.
  [/\bkilo-?code\b/, 'kilo-code'],
  [/\broo-?(code|cline)\b/, 'roo-code'],
  // Cline: `Cline/${version}` with `X-Title: Cline` (DEFAULT_HEADERS in its providers).
  [/^cline\//, 'cline'],
  // Continue: `Continue/${CONTINUE_VERSION}` (its LLM classes' _getHeaders()).
  [/^continue\//, 'continue'],
  // Aider goes through litellm and the openai SDK and has no UA of its own; matched when a
  // user adds one (extra_headers) or sends the X-Title below.
  [/\baider\b/, 'aider'],
  [/\bopen-?webui\b/, 'open-webui'],
  // LangChain.js: `langchainjs-openai/1.0.0 (node/v20.18.0; win32; x64)`. LangChain Python
  // uses the openai SDK unchanged and shows as openai-python.
  [/langchain/, 'langchain'],
  // Zed: `Zed/0.160.0 (macos; aarch64)`.
  [/^zed\//, 'zed'],
];

/**
 * The apps that name themselves (a User-Agent, originator, X-Title or Referer of their own), as
 * opposed to the libraries and HTTP clients below: per-process attribution (caller-app-name.ts)
 * keeps these over the process's name, and puts the process's name before a library's.
 */
export const SELF_NAMED_APPS: ReadonlySet<AppName> = new Set<GuessedApp>([
  'claude-code', 'codex', 'opencode', 'qwen-code', 'cursor', 'continue', 'cline', 'roo-code', 'kilo-code', 'aider',
  'open-webui', 'langchain', 'zed', 'playground',
]);

/** X-Title values (OpenRouter's app-attribution header, sent by several tools to every base URL). */
const TITLES: Readonly<Record<string, GuessedApp>> = {
  cline: 'cline',
  'roo code': 'roo-code',
  'kilo code': 'kilo-code',
  aider: 'aider',
  'open webui': 'open-webui',
  continue: 'continue',
  langchain: 'langchain',
  cursor: 'cursor',
  zed: 'zed',
  'switchboard playground': 'playground',
};

/** HTTP-Referer hosts, the other half of OpenRouter's attribution pair. */
const REFERERS: readonly [RegExp, GuessedApp][] = [
  [/^https?:\/\/(www\.)?cline\.bot\b/, 'cline'],
  [/^https?:\/\/(www\.)?kilocode\.ai\b/, 'kilo-code'],
  [/^https?:\/\/(www\.)?roocode\.com\b/, 'roo-code'],
  [/^https?:\/\/github\.com\/roovetgit\//, 'roo-code'],
  [/^https?:\/\/(www\.)?aider\.chat\b/, 'aider'],
  [/^https?:\/\/(www\.)?openwebui\.com\b/, 'open-webui'],
  [/^https?:\/\/(www\.)?continue\.dev\b/, 'continue'],
];

/** SDKs and HTTP libraries: what is left when no app names itself. */
const LIBRARY_RULES: readonly [RegExp, GuessedApp][] = [
  // LiteLLM's own httpx client: `litellm/${version}` (get_default_headers(), #19017). Aider,
  // CrewAI and Open Interpreter call through it.
  [/^litellm\//, 'litellm'],
  // Stainless SDKs: f"{self.__class__.__name__}/Python {version}" -> `OpenAI/Python 1.54.3`,
  // `AsyncOpenAI/Python`, `AzureOpenAI/Python`; `Anthropic/Python 0.39.0`, `AsyncAnthropic/...`.
  [/^(async)?(azure)?openai\/python\b/, 'openai-python'],
  [/^(async)?anthropic[a-z]*\/python\b/, 'anthropic-python'],
  // openai-node: `${this.constructor.name}/JS ${VERSION}` -> `OpenAI/JS 6.49.0`, `AzureOpenAI/JS`;
  // @anthropic-ai/sdk: `Anthropic/JS ${VERSION}` (client.js getUserAgent()).
  [/^(azure)?openai\/js\b/, 'openai-js'],
  [/^anthropic[a-z]*\/js\b/, 'anthropic-js'],
  // The ollama libraries, on the Ollama-compatible API: `ollama-js/0.6.4 (x64 linux Node.js/v20.20.2)`
  // (ollama-js src/utils.ts), `ollama-python/0.4.7 (x86_64 linux) Python/3.12.3` (ollama-python _client.py).
  [/^ollama-js\//, 'ollama-js'],
  [/^ollama-python\//, 'ollama-python'],
  [/^python-requests\//, 'python-requests'],
  [/^python-httpx\//, 'python-httpx'],
  // aiohttp's default: `Python/3.11 aiohttp/3.9.5`. Open WebUI sends exactly this (and its
  // X-OpenWebUI-* headers only with ENABLE_FORWARD_USER_INFO_HEADERS).
  [/\baiohttp\//, 'python-aiohttp'],
  [/^curl\//, 'curl'],
  // Node's built-in fetch sends `node` (undici's defaultUserAgent when bundled into Node),
  // the undici package `undici`; node-fetch `node-fetch/1.0 (+https://github.com/bitinn/node-fetch)`
  // (v2) or `node-fetch` (v3).
  [/^(node|undici)$/, 'node-fetch'],
  [/^node-fetch\b/, 'node-fetch'],
  [/^go-http-client\//, 'go-http-client'],
];

export function guessApp(userAgent: string | undefined, headers: RequestHeaders = {}): AppName {
  const ua = normalise(userAgent);
  if (ua !== '') {
    for (const [pattern, app] of APP_RULES) if (pattern.test(ua)) return app;
  }

  const originator = normalise(header(headers, 'originator'));
  if (CODEX_ORIGINATOR.test(originator)) return 'codex';
  if (Object.keys(headers).some((name) => name.toLowerCase().startsWith('x-openwebui-'))) return 'open-webui';
  const title = TITLES[normalise(header(headers, 'x-title'))];
  if (title !== undefined) return title;
  const referer = normalise(header(headers, 'http-referer'));
  if (referer !== '') {
    for (const [pattern, app] of REFERERS) if (pattern.test(referer)) return app;
  }

  if (ua !== '') {
    for (const [pattern, app] of LIBRARY_RULES) if (pattern.test(ua)) return app;
    if (ua.startsWith('mozilla/')) return 'browser';
    // Case kept as the client wrote it: `QwenCode`, `MyTool` read better than lower case.
    const product = PRODUCT_TOKEN.exec(userAgent!.slice(0, MAX_HEADER).trim());
    if (product) return product[1]!;
  }
  return 'unknown';
}

function header(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function normalise(value: string | undefined): string {
  return typeof value === 'string' ? value.slice(0, MAX_HEADER).trim().toLowerCase() : '';
}

// The providers offered in the model form, with the base URL each one uses when none is given
// (the gateway's provider catalogue is the authority; a test keeps the two in step).

export interface ProviderChoice {
  /** The LiteLLM prefix, as in litellm_params.model = "<prefix>/<model>". */
  prefix: string;
  label: string;
  /** Undefined: the base URL must be given. */
  defaultApiBase?: string;
  local: boolean;
  /** Azure needs api_version. */
  needsApiVersion?: boolean;
  /** Example upstream model name, shown as a placeholder. */
  example: string;
}

export const PROVIDER_CHOICES: readonly ProviderChoice[] = [
  { prefix: 'ollama_chat', label: 'Ollama', defaultApiBase: 'http://127.0.0.1:11434', local: true, example: 'llama3.2' },
  { prefix: 'lm_studio', label: 'LM Studio', defaultApiBase: 'http://127.0.0.1:1234/v1', local: true, example: 'qwen2.5-7b-instruct' },
  { prefix: 'hosted_vllm', label: 'vLLM', defaultApiBase: 'http://127.0.0.1:8000/v1', local: true, example: 'Qwen/Qwen2.5-7B-Instruct' },
  { prefix: 'llamafile', label: 'llamafile', defaultApiBase: 'http://127.0.0.1:8080/v1', local: true, example: 'LLaMA_CPP' },
  { prefix: 'openai_like', label: 'Other OpenAI-compatible server', local: false, example: 'my-model' },
  { prefix: 'openai', label: 'OpenAI', defaultApiBase: 'https://api.openai.com/v1', local: false, example: 'gpt-4o-mini' },
  { prefix: 'anthropic', label: 'Anthropic', defaultApiBase: 'https://api.anthropic.com', local: false, example: 'claude-sonnet-4-5' },
  { prefix: 'gemini', label: 'Google Gemini', defaultApiBase: 'https://generativelanguage.googleapis.com', local: false, example: 'gemini-2.5-flash' },
  { prefix: 'azure', label: 'Azure OpenAI', local: false, needsApiVersion: true, example: 'my-deployment' },
  { prefix: 'deepseek', label: 'DeepSeek', defaultApiBase: 'https://api.deepseek.com/v1', local: false, example: 'deepseek-chat' },
  { prefix: 'dashscope', label: 'Alibaba Dashscope (Qwen)', defaultApiBase: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1', local: false, example: 'qwen-plus' },
  { prefix: 'openrouter', label: 'OpenRouter', defaultApiBase: 'https://openrouter.ai/api/v1', local: false, example: 'meta-llama/llama-3.3-70b-instruct' },
  { prefix: 'groq', label: 'Groq', defaultApiBase: 'https://api.groq.com/openai/v1', local: false, example: 'llama-3.3-70b-versatile' },
  { prefix: 'mistral', label: 'Mistral', defaultApiBase: 'https://api.mistral.ai/v1', local: false, example: 'mistral-small-latest' },
  { prefix: 'xai', label: 'xAI', defaultApiBase: 'https://api.x.ai/v1', local: false, example: 'grok-3-mini' },
  { prefix: 'together_ai', label: 'Together AI', defaultApiBase: 'https://api.together.xyz/v1', local: false, example: 'meta-llama/Llama-3.3-70B-Instruct-Turbo' },
  { prefix: 'fireworks_ai', label: 'Fireworks AI', defaultApiBase: 'https://api.fireworks.ai/inference/v1', local: false, example: 'accounts/fireworks/models/llama-v3p3-70b-instruct' },
];

export function findProvider(prefix: string): ProviderChoice | undefined {
  return PROVIDER_CHOICES.find((p) => p.prefix === prefix);
}

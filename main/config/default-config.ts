// The embedded default config used when no --config is given: a local Ollama at its default
// address, so `npm start` works with no cloud key and sends nothing off the machine.
export const DEFAULT_CONFIG_YAML = `# Switchboard default: a local Ollama (https://ollama.com) on its default port.
model_list:
  - model_name: llama3.2
    litellm_params:
      model: ollama_chat/llama3.2
      api_base: http://127.0.0.1:11434
`;

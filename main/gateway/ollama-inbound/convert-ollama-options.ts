// Maps the generation controls Ollama requests carry (options, format, think) to OpenAI chat
// fields, and lists what has no OpenAI equivalent (num_ctx, top_k, repeat_penalty...) so the
// route can say so in a header. Pure: reads only the parsed request.
import type { OllamaCommonFields } from './parse-ollama-common-fields.js';

type Json = Record<string, unknown>;

export interface ConvertedOptions {
  /** OpenAI chat fields to merge into the body. */
  fields: Json;
  /** What was left out, e.g. `options.num_ctx`, in the order met. */
  dropped: string[];
}

/** Option names OpenAI shares with Ollama, copied as they are. */
const SAME_NAME = ['temperature', 'top_p', 'seed', 'presence_penalty', 'frequency_penalty'] as const;

export function convertOllamaOptions(request: Pick<OllamaCommonFields, 'options' | 'format' | 'think'>): ConvertedOptions {
  const fields: Json = {};
  const dropped: string[] = [];
  const { options } = request;
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined || value === null) continue;
    if ((SAME_NAME as readonly string[]).includes(name)) fields[name] = value;
    else if (name === 'num_predict') {
      // -1 (no limit) and -2 (fill the context) mean "no cap"; 0 asks for nothing, which no OpenAI server takes.
      if ((value as number) > 0) fields.max_tokens = value;
    } else if (name === 'stop') fields.stop = typeof value === 'string' ? [value] : value;
    else dropped.push(`options.${name}`);
  }
  if (request.format === 'json') fields.response_format = { type: 'json_object' };
  else if (request.format !== undefined) fields.response_format = { type: 'json_schema', json_schema: { name: 'response', schema: request.format } };
  const think = request.think;
  if (typeof think === 'string') fields.reasoning_effort = think;
  else if (think === true) fields.reasoning_effort = 'medium';
  // think: false cannot be said to every OpenAI-compatible server (no portable "off"): the model's default applies.
  else if (think === false) dropped.push('think');
  return { fields, dropped };
}

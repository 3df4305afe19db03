// Turns the start-up check of the local model servers into the one line a user reads at start:
// which models answer, which servers do not, and the fix for each. Pure: no I/O, no secrets
// (the errors it quotes are already sanitised).
import type { LocalServerCheck } from './check-local-servers.js';

export interface LocalServersLine {
  level: 'info' | 'warn';
  line: string;
}

const SERVER_NAMES: Record<string, string> = {
  ollama: 'Ollama', ollama_chat: 'Ollama', hosted_vllm: 'vLLM', vllm: 'vLLM', lm_studio: 'LM Studio', llamafile: 'llamafile',
};

/** Undefined when there is nothing local to report (only cloud models, or none). */
export function formatLocalServersLine(checks: readonly LocalServerCheck[]): LocalServersLine | undefined {
  if (checks.length === 0) return undefined;
  const ready = checks.flatMap((c) => c.ready.map((group) => `${group} (${c.address})`));
  const problems = checks.flatMap(describeProblem);
  const parts = [
    ...(ready.length > 0 ? [`models ready: ${ready.join(', ')}`] : []),
    ...problems,
  ];
  return { level: problems.length > 0 ? 'warn' : 'info', line: parts.join('; ') };
}

function describeProblem(check: LocalServerCheck): string[] {
  const name = SERVER_NAMES[check.provider];
  const isOllama = check.protocol === 'ollama';
  if (!check.reachable) {
    const groups = check.groups.join(', ');
    if (isOllama) return [`no Ollama on ${check.address} (${groups}) — start it with \`ollama serve\`, or add a model`];
    return [`nothing answers on ${check.address} (${groups}, ${name ?? 'OpenAI-compatible server'}) — start the server, or point the model's api_base at one that runs`];
  }
  if (check.error !== undefined) {
    return [`${name ?? 'the server'} on ${check.address} answered but not with a model list (${check.error})${!isOllama && /\b404\b/.test(check.error) ? ' — OpenAI-compatible servers usually live under /v1' : ''}`];
  }
  if (check.missing.length === 0) return [];
  if (isOllama) {
    return check.missing.map((m) => `Ollama on ${check.address} does not have ${m.model} (for ${m.group}) — run \`ollama pull ${m.model}\``);
  }
  return [`${name ?? 'the server'} on ${check.address} does not list ${check.missing.map((m) => `${m.model} (for ${m.group})`).join(', ')} — check the model name against its /models list`];
}

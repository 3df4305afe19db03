// Before the model-group scenario is timed, proves it really is a group: a few chat completions
// must be served by every deployment (read from x-litellm-model-id), or the bench would be
// measuring a single deployment under another name. Talks only to the gateway it is given.
import { request } from 'undici';
import { chatRequest } from './chat-request.js';

export const DEPLOYMENT_HEADER = 'x-litellm-model-id';

/** Sends `attempts` chat completions; throws unless every expected deployment served one. */
export async function verifyDeploymentSpread(
  name: string, origin: string, headers: Record<string, string>, expected: readonly string[], attempts = 40,
): Promise<void> {
  const seen: string[] = [];
  const chat = chatRequest('chat', headers);
  for (let i = 0; i < attempts; i++) {
    const response = await request(`${origin}${chat.path}`, { method: chat.method, headers: chat.headers, body: chat.body ?? null });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`${name}: HTTP ${response.statusCode} while checking the deployments`);
    const id = response.headers[DEPLOYMENT_HEADER];
    if (typeof id === 'string') seen.push(id);
  }
  const missing = missingDeployments(seen, expected);
  if (missing.length > 0) {
    throw new Error(`${name}: ${attempts} requests never reached deployment ${missing.join(', ')} (served by: ${[...new Set(seen)].join(', ') || 'none named'})`);
  }
}

/** The expected deployment ids that never appear among those seen, in expected order. */
export function missingDeployments(seen: readonly string[], expected: readonly string[]): string[] {
  const served = new Set(seen);
  return expected.filter((id) => !served.has(id));
}

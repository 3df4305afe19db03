// The models an Ollama client sees: every model group and alias the caller may use (the same
// allow-list rule inference applies, so a keyless client lists only its allowed models), each
// under its `name:tag`, with the real upstream entry for a real Ollama model and a synthesised
// one otherwise. Never fails: an unreachable Ollama only loses its real sizes and digests.
import type { Deployment } from '../../core/deployment.js';
import type { Principal } from '../../core/principal.js';
import type { ModelRouter } from '../../routing/model-router.js';
import { keyMayUseGroup } from '../admit-attempt.js';
import { toOllamaTagName } from './resolve-ollama-model-name.js';
import { synthesiseOllamaModel, type OllamaTagEntry } from './synthesise-ollama-model.js';
import type { UpstreamOllamaTags } from './upstream-ollama-tags.js';

export interface VisibleOllamaModel {
  /** The configured group or alias name. */
  configured: string;
  /** The deployment that describes it (the group's first). */
  deployment: Deployment;
}

/** Groups first, then aliases, as /v1/models lists them; only what `principal` may use. */
export function visibleOllamaModels(router: ModelRouter, principal: Principal): VisibleOllamaModel[] {
  const visible: VisibleOllamaModel[] = [];
  const names = new Set<string>();
  for (const group of router.groups()) {
    const deployment = group.deployments[0];
    if (!deployment || !keyMayUseGroup(principal, group.name, group.name, group.name)) continue;
    visible.push({ configured: group.name, deployment });
    names.add(group.name);
  }
  for (const [alias, target] of router.aliases()) {
    if (names.has(alias)) continue;
    const group = router.resolve(target);
    const deployment = group?.deployments[0];
    if (!group || !deployment || !keyMayUseGroup(principal, alias, group.name, group.name)) continue;
    visible.push({ configured: alias, deployment });
    names.add(alias);
  }
  return visible;
}

export async function describeOllamaModel(model: VisibleOllamaModel, upstream: UpstreamOllamaTags, modifiedAt: string): Promise<OllamaTagEntry> {
  const name = toOllamaTagName(model.configured);
  const synthesised = synthesiseOllamaModel(name, model.deployment, modifiedAt);
  const real = await upstream.lookup(model.deployment);
  return real ? { name, model: name, ...real } : synthesised;
}

export async function listOllamaModels(router: ModelRouter, principal: Principal, upstream: UpstreamOllamaTags, modifiedAt: string): Promise<OllamaTagEntry[]> {
  const entries = await Promise.all(visibleOllamaModels(router, principal).map((model) => describeOllamaModel(model, upstream, modifiedAt)));
  // `x` and `x:latest` configured side by side list once, as the exact `x:latest` (listed first wins).
  const seen = new Set<string>();
  return entries.filter((entry) => !seen.has(entry.name) && seen.add(entry.name));
}

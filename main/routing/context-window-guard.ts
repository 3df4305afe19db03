// The context-window guard: before a call, estimate the prompt's tokens and keep only the
// deployments whose known max_input_tokens can take it; when none of the group can, move to the
// first context_window_fallbacks group that can (and that the caller may use), else refuse with
// 400 naming the limit and the estimate, instead of letting a local backend silently truncate
// the prompt. Deployments without a known limit are never blocked. Pure: no I/O, no clock.
import { GatewayError } from '../core/gateway-error.js';
import { estimatePromptTokens } from '../core/estimate-tokens.js';
import type { ModelGroup, ModelRouter } from './model-router.js';
import type { RouterSettings } from './router-settings.js';

export interface ContextWindowDecision {
  /** The group to call: the requested one (maybe narrowed) or a context-window fallback. */
  group: ModelGroup;
  /** The estimate, when one was needed (some deployment has a limit). */
  estimatedTokens: number | undefined;
  /** True when the request moved to a context_window_fallbacks group. */
  fellBack: boolean;
}

export function guardContextWindow(
  group: ModelGroup,
  body: Record<string, unknown>,
  router: ModelRouter,
  settings: RouterSettings,
  /** Whether the caller may use a fallback group (a virtual key's allowed models); all by default. */
  allows: ((groupName: string) => boolean) | undefined = undefined,
  estimate: (body: unknown) => number = estimatePromptTokens,
): ContextWindowDecision {
  // The common case costs nothing: no limits configured, no estimate.
  if (group.deployments.every((d) => d.maxInputTokens === undefined)) return { group, estimatedTokens: undefined, fellBack: false };
  const tokens = estimate(body);
  const own = fitting(group, tokens);
  if (own) return { group: own, estimatedTokens: tokens, fellBack: false };
  let skipped = false;
  for (const name of settings.contextWindowFallbacks.get(group.name) ?? []) {
    if (allows !== undefined && !allows(name)) {
      skipped = true;
      continue;
    }
    const fallback = router.resolve(name);
    const fit = fallback && fitting(fallback, tokens);
    if (fit) return { group: fit, estimatedTokens: tokens, fellBack: true };
  }
  const limit = Math.max(...group.deployments.map((d) => d.maxInputTokens ?? 0));
  const hint = !settings.contextWindowFallbacks.has(group.name)
    ? '; shorten the prompt or configure router_settings.context_window_fallbacks'
    : skipped
      ? ' and no context_window_fallbacks model this key may use can take it either'
      : ' and no context_window_fallbacks model can take it either';
  throw new GatewayError(
    'context_window_exceeded',
    `This request has about ${tokens} prompt tokens (estimated), more than model "${group.name}" accepts (max_input_tokens ${limit})${hint}`,
    { param: 'messages' },
  );
}

/** The group narrowed to deployments that can take `tokens`, or undefined when none can. */
function fitting(group: ModelGroup, tokens: number): ModelGroup | undefined {
  const fit = group.deployments.filter((d) => d.maxInputTokens === undefined || d.maxInputTokens >= tokens);
  if (fit.length === 0) return undefined;
  return fit.length === group.deployments.length ? group : { name: group.name, deployments: fit };
}

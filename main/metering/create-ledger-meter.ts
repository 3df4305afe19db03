// The metering RequestMeter: at admission, per-key rate limits (parallel, rpm, tpm) and the
// budget reservation of the worst-case cost, all synchronous (S27); at finish, the real cost
// from the upstream's usage (or an estimate, marked as such) and exactly one usage row, whose
// flush settles the reservation. Refusals are recorded too, as 'rejected' rows. Bodies are kept
// only when body logging is on at admission, redacted and capped. Sees a key only to mask it in
// logged bodies (the one the request presented); never stores or logs one.
import { GatewayError } from '../core/gateway-error.js';
import type { Admission, AdmissionInput, FinishedRequest, RequestMeter } from './request-meter.js';
import type { TokenUsage } from '../providers/provider-adapter.js';
import type { Deployment } from '../core/deployment.js';
import type { Clock } from '../storage/clock.js';
import type { Log } from '../storage/log.js';
import type { BudgetLedger } from './budget-ledger.js';
import { computeCostMicros, isFree, worstCaseCostMicros } from './compute-cost.js';
import { estimatePromptTokens } from '../core/estimate-tokens.js';
import { guessApp } from './guess-app.js';
import { priceOverridesFromDeployment, type Price, type PriceTable } from './price-table.js';
import type { ParallelLease, RateLimitedKey, RateLimiter, RateLimitTicket } from './rate-limiter.js';
import type { UsageLedger } from './usage-ledger.js';
import type { UsageRecord } from './usage-record.js';
import { capBodyText } from './body-capture.js';
import { createSecretRedactor, type SecretRedactor } from './redact-secrets.js';

export interface LedgerMeterDeps {
  prices: PriceTable;
  budget: BudgetLedger;
  limiter: RateLimiter;
  usage: UsageLedger;
  clock: Clock;
  log: Log;
  /** Called after a virtual key is used (e.g. to stamp last_used_at in batches). */
  onKeyUsed?: (keyId: string) => void;
  /** Read at every admission (the dashboard toggles it live); absent = never log bodies. */
  bodyLogging?: () => boolean;
  /** Masks secrets in logged bodies; defaults to key-shaped tokens only (give it every secret the gateway holds). */
  redact?: SecretRedactor;
}

const PRICE_CACHE_MS = 60_000;

export function createLedgerMeter(deps: LedgerMeterDeps): RequestMeter {
  // Resolving a price parses the api_base and walks override rules: per deployment, not per
  // request. A minute's cache still follows time-dependent prices (DeepSeek's off-peak hours).
  const priceCache = new WeakMap<Deployment, { price: Price | undefined; until: number }>();
  const priceOf = (deployment: Deployment): Price | undefined => {
    const now = deps.clock.now();
    const cached = priceCache.get(deployment);
    if (cached && cached.until > now) return cached.price;
    const price = deps.prices.resolvePrice({
      provider: deployment.provider,
      model: deployment.upstreamModel,
      baseModel: deployment.baseModel,
      overrides: priceOverridesFromDeployment(deployment),
      apiBase: deployment.apiBase,
      at: now,
    });
    priceCache.set(deployment, { price, until: now + PRICE_CACHE_MS });
    return price;
  };

  const redact = deps.redact ?? createSecretRedactor();
  const stored = (text: string | null, presentedKey: string | undefined): string | null =>
    text === null ? null : capBodyText(redact(text, presentedKey === undefined ? undefined : [presentedKey]));

  return {
    admit(input: AdmissionInput): Admission {
      const { principal, deployment, requestId } = input;
      const app = principal.kind === 'virtual' ? principal.alias ?? principal.keyId : guessApp(input.userAgent, input.headers);
      const price = priceOf(deployment);
      // Walking the body costs; most requests (no tpm limit or budget, usage reported upstream)
      // never need the estimate, so it is computed on first use only.
      let promptEstimateMemo: number | undefined;
      const promptEstimate = (): number => (promptEstimateMemo ??= estimatePromptTokens(input.body));
      const maxTokens = firstNumber(input.body.max_completion_tokens, input.body.max_tokens);

      let lease: ParallelLease | undefined;
      let ticket: RateLimitTicket | undefined;
      let headers: Record<string, string> = {};
      const base = (): UsageRecord => ({
        requestId,
        ts: deps.clock.now(),
        keyId: principal.kind === 'virtual' ? principal.keyId : null,
        keyAlias: principal.kind === 'virtual' ? principal.alias : null,
        app,
        userAgent: input.userAgent?.slice(0, 256) ?? null,
        requestedModel: input.requestedModel,
        modelGroup: deployment.modelName,
        deploymentId: deployment.id,
        provider: deployment.provider,
        promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0,
        costMicros: 0,
        latencyMs: 0,
        ttftMs: null,
        status: 'rejected',
        httpStatus: 429,
        errorCode: null,
        usageEstimated: false,
        endpoint: input.route,
        retries: 0,
        fallbacks: 0,
      });
      const refuse = (error: GatewayError): never => {
        if (lease) deps.limiter.release(lease);
        if (ticket) deps.limiter.cancel(ticket);
        deps.usage.record({ ...base(), status: 'rejected', httpStatus: error.status, errorCode: error.code });
        throw error;
      };

      if (principal.kind === 'virtual') {
        const key: RateLimitedKey = {
          id: principal.keyId, rpmLimit: principal.rpmLimit, tpmLimit: principal.tpmLimit, maxParallelRequests: principal.maxParallelRequests,
        };
        const parallel = deps.limiter.acquireParallel(key);
        if (!parallel.ok) refuse(rateLimited(parallel.message, parallel.retryAfterSeconds, parallel.headers));
        else lease = parallel.lease;
        const decision = deps.limiter.check(key, principal.tpmLimit === null ? 0 : promptEstimate());
        if (!decision.ok) refuse(rateLimited(decision.message, decision.retryAfterSeconds, decision.headers));
        else {
          ticket = decision.ticket;
          headers = decision.headers;
        }
        if (principal.hasBudget) {
          if (price === undefined) {
            // Fail closed: LiteLLM prices unknown models at $0, which lets a budgeted key spend without limit.
            refuse(new GatewayError('invalid_request',
              `Model "${deployment.modelName}" has no known price, so this key's budget cannot be enforced for it. ` +
              'Set model_info.input_cost_per_token and output_cost_per_token for it, or use a key without a budget.', { param: 'model' }));
          } else {
            const reserved = deps.budget.reserve(principal.keyId, requestId, worstCaseCostMicros(price, { promptTokensEstimate: promptEstimate(), maxTokens }), {
              pricedAtZero: isFree(price),
            });
            if (!reserved.ok) {
              refuse(new GatewayError(reserved.reason === 'budget_exceeded' ? 'budget_exceeded' : 'invalid_api_key', reserved.message, {
                ...(reserved.reason === 'budget_exceeded' && reserved.retryAfterSeconds !== null ? { retryAfter: reserved.retryAfterSeconds } : {}),
              }));
            }
          }
        }
        deps.onKeyUsed?.(principal.keyId);
      }

      let finished = false;
      return {
        headers,
        logBodies: deps.bodyLogging?.() === true,
        finish(result: FinishedRequest) {
          if (finished) return;
          finished = true;
          try {
            let estimated = result.usage === undefined;
            let usage: TokenUsage = result.usage ?? {
              promptTokens: result.status === 'success' || result.outputChars > 0 ? promptEstimate() : 0,
              completionTokens: Math.ceil(result.outputChars / 4),
              cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0,
            };
            // A stream cut after the upstream reported its input (Anthropic's message_start) but
            // before the output count: keep the real input, estimate the output that was relayed.
            const relayedEstimate = Math.ceil(result.outputChars / 4);
            if (!estimated && result.status !== 'success' && usage.completionTokens < relayedEstimate) {
              usage = { ...usage, completionTokens: relayedEstimate };
              estimated = true;
            }
            const servedPrice = result.deployment === deployment ? price : priceOf(result.deployment);
            const costMicros = servedPrice === undefined ? 0 : computeCostMicros(servedPrice, usage);
            if (ticket) deps.limiter.recordTokens(ticket, usage.promptTokens + usage.completionTokens);
            if (lease) deps.limiter.release(lease);
            const record: UsageRecord = {
              ...base(),
              ts: result.startedAt,
              modelGroup: result.deployment.modelName,
              deploymentId: result.deployment.id,
              provider: result.deployment.provider,
              promptTokens: usage.promptTokens,
              completionTokens: usage.completionTokens,
              cachedTokens: usage.cachedTokens,
              cacheCreationTokens: usage.cacheCreationTokens,
              reasoningTokens: usage.reasoningTokens,
              costMicros,
              latencyMs: Math.round(result.latencyMs),
              ttftMs: result.ttftMs === null ? null : Math.round(result.ttftMs),
              status: result.status,
              httpStatus: result.httpStatus,
              errorCode: result.errorCode,
              usageEstimated: estimated && (usage.promptTokens > 0 || usage.completionTokens > 0),
              retries: result.retries,
              fallbacks: result.fallbacks,
            };
            if (result.bodies) {
              record.requestBody = stored(result.bodies.request, result.bodies.presentedKey);
              record.responseBody = stored(result.bodies.response, result.bodies.presentedKey);
            }
            deps.usage.record(record);
          } catch (error) {
            // finish() must never throw into the request path; the row is the only thing lost.
            deps.log.error({ err: error, requestId }, 'could not record usage');
          }
        },
      };
    },
  };
}

function rateLimited(message: string, retryAfter: number, headers: Record<string, string>): GatewayError {
  return new GatewayError('rate_limited', message, { retryAfter, headers });
}

function firstNumber(...values: unknown[]): number | undefined {
  for (const value of values) if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  return undefined;
}

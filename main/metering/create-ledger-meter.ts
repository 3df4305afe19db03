// The metering RequestMeter: at admission, per-key and per-team rate limits (parallel, rpm, tpm) and the
// budget reservation of the worst-case cost (every choice counted, S37), all synchronous (S27);
// before each later attempt, a top-up so the reservation covers the deployment actually called
// (S38); at finish, the real cost from the upstream's usage (or an estimate, marked as such) and
// exactly one usage row, whose flush settles the reservation, and its one info log line.
// Refusals are recorded (and logged) too. A request without a key is ruled by its app's rule
// instead (issue 19: models, rpm/tpm, a budget held like a key's, only_allowed_apps), when one exists.
// Whatever throws during admission gives back the parallel slot and the rpm count. Bodies are
// kept only when body logging is on at admission, redacted and capped. Sees a key only to mask
// it in logged bodies (the one the request presented); never stores or logs one.
import { GatewayError, isGatewayError } from '../core/gateway-error.js';
import type { Admission, AdmissionInput, FinishedRequest, ModelChoiceInput, RequestMeter, RequestStatus } from './request-meter.js';
import type { TokenUsage } from '../providers/provider-adapter.js';
import type { Deployment } from '../core/deployment.js';
import type { Clock } from '../storage/clock.js';
import type { Log } from '../storage/log.js';
import type { BudgetLedgerStore, ReserveResult } from './budget-ledger.js';
import { readOutputBounds } from './read-output-bounds.js';
import { isStorageError } from '../storage/storage-error.js';
import { computeCostMicros, isFree, worstCaseCostMicros, worstCaseOutputTokensPerChoice } from './compute-cost.js';
import { formatUsd } from '../../shared/format-usd.js';
import { estimatePromptTokens } from '../core/estimate-tokens.js';
import { callerAppName } from './caller-app-name.js';
import type { CallerLookup, CallerProcess } from '../attribution/caller-process.js';
import { priceOverridesFromDeployment, type Price, type PriceTable } from './price-table.js';
import type { ParallelDecision, ParallelLease, RateLimitDecision, RateLimitedKey, RateLimitTicket } from './rate-limiter.js';
import { runMaybeAsync, whenSettled, type MaybePromise } from '../core/run-maybe-async.js';
import type { UsageRecord } from './usage-record.js';
import { capBodyText } from './body-capture.js';
import { createSecretRedactor, type SecretRedactor } from './redact-secrets.js';
import { REQUEST_LOG_MESSAGE, requestLogFields } from './request-log-fields.js';
import type { AppRule, AppRules } from './app-rule.js';
import type { AppBudgetLedgerStore } from './app-budget-ledger.js';
import { keyAllowsModel } from '../keys/key-allows-model.js';

/**
 * What the meter needs of a rate limiter: the in-process RateLimiter (desktop, answers at once)
 * and the shared one counting in PostgreSQL (team mode, answers with Promises) both fit.
 */
export interface AdmissionRateLimiter {
  acquireParallel(key: RateLimitedKey): MaybePromise<ParallelDecision>;
  check(key: RateLimitedKey, estimatedTokens: number): MaybePromise<RateLimitDecision>;
  release(lease: ParallelLease): MaybePromise<void>;
  recordTokens(ticket: RateLimitTicket, actualTokens: number): MaybePromise<void>;
  cancel(ticket: RateLimitTicket): MaybePromise<void>;
}

/** What the meter needs of the usage ledger: a queue that takes a row now and writes it later, on either engine. */
export interface UsageRecorder {
  record(row: UsageRecord): void;
}

export interface LedgerMeterDeps {
  prices: PriceTable;
  /** The budget ledger on SQLite (synchronous) or PostgreSQL (Promises). */
  budget: BudgetLedgerStore<'sync'> | BudgetLedgerStore<'async'>;
  limiter: AdmissionRateLimiter;
  usage: UsageRecorder;
  clock: Clock;
  log: Log;
  /** Where the per-request line goes (requestLineLogger: no path redaction, still masked); defaults to `log`. */
  requestLog?: Pick<Log, 'info'>;
  /** Called after a virtual key is used (e.g. to stamp last_used_at in batches). */
  onKeyUsed?: (keyId: string) => void;
  /** Read at every admission (the dashboard toggles it live); absent = never log bodies. */
  bodyLogging?: () => boolean;
  /** Masks secrets in logged bodies; defaults to key-shaped tokens only (give it every secret the gateway holds). */
  redact?: SecretRedactor;
  /**
   * Rules for apps, applied to requests with no virtual key (issue 19): models, rpm/tpm, a budget
   * held like a key's, a default model for the active alias, and (open mode) only allowed apps.
   * Absent: apps are only names on usage rows.
   */
  apps?: {
    rules: AppRules;
    budget: AppBudgetLedgerStore<'sync'> | AppBudgetLedgerStore<'async'>;
    /** general_settings.only_allowed_apps, read per request (the dashboard toggles it live). */
    onlyAllowedApps?: () => boolean;
    /** The alias a default_model replaces (the tray's active-model alias, ACTIVE_MODEL_ALIAS). */
    activeAlias: string;
  };
}

const PRICE_CACHE_MS = 60_000;
/** A failure's message or upstream excerpt in the usage log: enough to say why, never a body. */
const MAX_LOGGED_ERROR_CHARS = 1_000;
const COVER_NOTHING = (): void => undefined;
/**
 * How long a finished request's row waits for its connection's process lookup (which has its own
 * 1 s bound) before it is written under its User-Agent's name. The request itself never waits.
 */
const ROW_WAITS_FOR_CALLER_MS = 1_500;
/**
 * How long admission waits for a connection's process lookup when an app rule could apply (some
 * app has a rule, or only_allowed_apps is on): the lookup's p95 measured 10-94 ms here, loaded.
 * Past it the request is ruled and recorded under its User-Agent name.
 */
const ADMISSION_WAITS_FOR_CALLER_MS = 250;

export function createLedgerMeter(deps: LedgerMeterDeps): RequestMeter {
  const requestLog = deps.requestLog ?? deps.log;
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
  // Messages and excerpts are already sanitised where they are made; redacted again here because
  // the log row outlives the request and every secret the gateway holds is known only here.
  const logged = (text: string | null): string | null => (text === null ? null : redact(text).slice(0, MAX_LOGGED_ERROR_CHARS));

  /**
   * What calling `target` may cost this request at most, for a budgeted key: undefined when it
   * is priced at zero (the budget is skipped, as LiteLLM does). Throws GatewayError (400) when
   * the cost cannot be bounded: no known price, or output we cannot price.
   */
  const worstCaseOn = (target: Deployment, price: Price | undefined, input: AdmissionInput, promptTokens: () => number, failClosed: boolean, budgetApp?: string): number | undefined => {
    // Whose budget a refusal names: the key's, or (a request without a key) its app's.
    const whose = budgetApp === undefined ? "this key's budget" : `the budget of app '${budgetApp}'`;
    const without = budgetApp === undefined ? 'use a key without a budget' : `clear the app's budget (POST /app/update {"app": "${budgetApp}", "max_budget": null})`;
    if (price === undefined) {
      if (!failClosed) return undefined;
      // Fail closed: LiteLLM prices unknown models at $0, which lets a budgeted key spend without limit.
      throw new GatewayError('invalid_request',
        `Model "${target.modelName}" has no known price, so ${whose} cannot be enforced for it. ` +
        `Set model_info.input_cost_per_token and output_cost_per_token for it, or ${without}.`, { param: 'model' });
    }
    if (isFree(price)) return undefined;
    const { maxTokens, choices, unpricedOutput } = readOutputBounds(input.endpoint, input.body);
    if (unpricedOutput !== undefined) {
      if (!failClosed) return undefined;
      throw new GatewayError('invalid_request',
        `This request asks for ${unpricedOutput} output, which is billed at rates Switchboard does not know, so ${whose} ` +
        `cannot be enforced for it. Ask for text only, or ${without}.`, { param: Array.isArray(input.body.modalities) ? 'modalities' : 'audio' });
    }
    return worstCaseCostMicros(price, { promptTokensEstimate: promptTokens(), maxTokens, choices });
  };

  return {
    reject(input, refusal) {
      const { key, deployment } = input;
      const appOf = appNamer(key, input);
      try {
        const refused: UsageRecord = {
          requestId: input.requestId,
          ts: deps.clock.now(),
          keyId: key?.id ?? null,
          keyAlias: key?.alias ?? null,
          app: appOf(input.caller?.now()),
          userAgent: input.userAgent?.slice(0, 256) ?? null,
          requestedModel: input.requestedModel,
          modelGroup: deployment?.modelName ?? null,
          deploymentId: null,
          provider: deployment?.provider ?? null,
          promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0,
          costMicros: 0, latencyMs: 0, ttftMs: null,
          status: 'rejected', httpStatus: refusal.status, errorCode: refusal.code, usageEstimated: false,
          endpoint: input.route, retries: 0, fallbacks: 0,
          errorMessage: logged(refusal.message),
        };
        // Refused before admission (a bad or blocked key, a model the key may not use): the
        // terminal still shows one line for it, like every other request.
        recordWhenNamed(refused, deployment, input.caller, appOf);
      } catch (error) {
        deps.log.error({ err: error, requestId: input.requestId }, 'could not record usage');
      }
    },
    modelFor(input: ModelChoiceInput): MaybePromise<string> {
      const apps = deps.apps;
      // One comparison for nearly every request: only the active alias, without a key, is redirected.
      if (apps === undefined || input.principal.kind === 'virtual' || !apps.rules.hasDefaultModels() || input.requestedModel !== apps.activeAlias) return input.requestedModel;
      const appOf = appNamer(null, input);
      const choose = (caller: CallerProcess | null | undefined): string => apps.rules.rule(appOf(caller))?.defaultModel ?? input.requestedModel;
      const caller = input.caller?.now();
      // A connection whose lookup is still running waits for it (bounded, as admission does), so
      // the app's default model follows the program, not its User-Agent.
      return caller === undefined && input.caller !== undefined ? input.caller.settle(ADMISSION_WAITS_FOR_CALLER_MS).then(choose) : choose(caller);
    },
    admit(input: AdmissionInput): Admission | Promise<Admission> {
      // Plain values on SQLite and the in-memory limiter (no Promise, no microtask); a Promise
      // at the first step that went to PostgreSQL, from where the rest continues with await.
      return runMaybeAsync(admitSteps(input));
    },
  };

  function* admitSteps(input: AdmissionInput): Generator<unknown, Admission, unknown> {
    const { principal, deployment, requestId } = input;
    const appOf = appNamer(principal.kind === 'virtual' ? { id: principal.keyId, alias: principal.alias } : null, input);
    let caller = input.caller?.now();
    // The row's app is named when it is written if the lookup is still running (the request does
    // not wait for it)... unless an app rule could apply: then admission waits for the lookup
    // (bounded), so the rule, its budget hold and the row all name the same app. A Promise only in
    // that case; SQLite's path stays synchronous otherwise.
    const waitsForCaller = caller === undefined && input.caller !== undefined && principal.kind !== 'virtual'
      && deps.apps !== undefined && (deps.apps.rules.hasRules() || deps.apps.onlyAllowedApps?.() === true);
    if (waitsForCaller) caller = (yield input.caller!.settle(ADMISSION_WAITS_FOR_CALLER_MS)) as CallerProcess | null | undefined;
    const app = appOf(caller);
    // The rows carry the admission's name; only a lookup admission did not wait for renames them.
    const rowCaller = caller === undefined && !waitsForCaller ? input.caller : undefined;
    // A key, when presented, wins: app rules apply to requests without one (a Map lookup; an app
    // without a rule is a miss).
    const appRule: AppRule | undefined = principal.kind === 'virtual' ? undefined : deps.apps?.rules.rule(app);
    // general_settings.only_allowed_apps: in open mode only (with an admin key, the key is the gate).
    const unlisted = principal.kind === 'open' && appRule?.allowed !== true && deps.apps?.onlyAllowedApps?.() === true;
    const price = priceOf(deployment);
    // Walking the body costs; most requests (no tpm limit or budget, usage reported upstream)
    // never need the estimate, so it is computed on first use only.
    let promptEstimateMemo: number | undefined;
    const promptEstimate = (): number => (promptEstimateMemo ??= estimatePromptTokens(input.body));

    let lease: ParallelLease | undefined;
    let ticket: RateLimitTicket | undefined;
    let headers: Record<string, string> = {};
    // The budget this request draws on, what its reservation holds, and the deployment last covered.
    const budgetKeyId = principal.kind === 'virtual' && (principal.hasBudget || principal.ownerBudgets === true) ? principal.keyId : undefined;
    // Or, without a key, the app's budget (held exactly like a key's: app-budget-ledger.ts).
    const budgetApp = appRule?.hasBudget === true ? app : undefined;
    const appModels = appRule !== undefined && appRule.models.length > 0 ? appRule.models : undefined;
    // Fail closed on unknown prices only for a key's own budget (or an app's): a key whose only budgets are its
    // team's or user's (which admission cannot see here) is admitted on an unpriced model at $0,
    // as a key without a budget is, rather than refused for a budget that may not exist.
    const failClosed = (principal.kind === 'virtual' && principal.hasBudget) || budgetApp !== undefined;
    let reservedMicros = 0;
    let covered = deployment;
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
    if (principal.kind === 'virtual' || appRule !== undefined || unlisted) {
      try {
        if (unlisted) throw appNotAllowed(app);
        if (appModels !== undefined && !appAllowsModel(appModels, input.requestedModel, deployment.modelName, deployment.modelName)) throw appModelRefused(app, deployment.modelName, appModels);
        // A key's windows (always counted, as before), or an app's when its rule has rpm/tpm limits.
        const key: RateLimitedKey | undefined = principal.kind === 'virtual'
          ? { id: principal.keyId, name: principal.alias, rpmLimit: principal.rpmLimit, tpmLimit: principal.tpmLimit, maxParallelRequests: principal.maxParallelRequests }
          : appRule !== undefined && (appRule.rpmLimit !== null || appRule.tpmLimit !== null)
            // Counted per app like a team per team: one window named after the app, never a key id.
            ? { id: `app:${app}`, name: `app '${app}'`, rpmLimit: appRule.rpmLimit, tpmLimit: appRule.tpmLimit, maxParallelRequests: null }
            : undefined;
        if (key !== undefined) {
          // The team's rpm/tpm, counted over all its keys (only a team with limits sets this).
          if (principal.kind === 'virtual' && principal.team !== undefined) key.team = principal.team;
          // Each `yield` hands runMaybeAsync what the limiter or ledger answered: a value goes
          // straight back in, a Promise (team mode) is awaited first.
          const parallel = (yield deps.limiter.acquireParallel(key)) as ParallelDecision;
          if (!parallel.ok) throw rateLimited(parallel.message, parallel.retryAfterSeconds, parallel.headers);
          lease = parallel.lease;
          const needsEstimate = key.tpmLimit !== null || (key.team !== undefined && key.team.tpmLimit !== null);
          const decision = (yield deps.limiter.check(key, needsEstimate ? promptEstimate() : 0)) as RateLimitDecision;
          if (!decision.ok) throw rateLimited(decision.message, decision.retryAfterSeconds, decision.headers);
          ticket = decision.ticket;
          headers = decision.headers;
        }
        if (budgetKeyId !== undefined) {
          const worst = worstCaseOn(deployment, price, input, promptEstimate, failClosed);
          const reserved = (yield deps.budget.reserve(budgetKeyId, requestId, worst ?? 0, { pricedAtZero: worst === undefined })) as ReserveResult;
          if (!reserved.ok) throw budgetRefusal(reserved, input, price);
          reservedMicros = reserved.reservedMicros;
        } else if (budgetApp !== undefined && deps.apps !== undefined) {
          const worst = worstCaseOn(deployment, price, input, promptEstimate, failClosed, budgetApp);
          const reserved = (yield deps.apps.budget.reserve(budgetApp, requestId, worst ?? 0, { pricedAtZero: worst === undefined })) as ReserveResult;
          if (!reserved.ok) throw budgetRefusal(reserved, input, price);
          reservedMicros = reserved.reservedMicros;
        }
        if (principal.kind === 'virtual') deps.onKeyUsed?.(principal.keyId);
      } catch (error) {
        // Whatever refused or failed here (a limit, the budget, a busy or full database), the
        // slot and the rpm count go back: a leaked slot refuses a max_parallel_requests: 1 key
        // until restart. The refusal leaves its row, as every request does.
        if (lease) settleQuietly(deps.limiter.release(lease), requestId);
        if (ticket) settleQuietly(deps.limiter.cancel(ticket), requestId);
        const [status, httpStatus, errorCode]: [RequestStatus, number, string] = isGatewayError(error)
          ? ['rejected', error.status, error.code]
          : isStorageError(error) ? ['error', 503, error.code] : ['error', 500, 'internal_error'];
        try {
          const refused: UsageRecord = {
            ...base(), status, httpStatus, errorCode,
            errorMessage: isGatewayError(error) ? logged(error.message) : 'The usage database could not admit this request; see the gateway log',
          };
          recordWhenNamed(refused, deployment, rowCaller, appOf, true);
        } catch (recordError) {
          deps.log.error({ err: recordError, requestId }, 'could not record usage');
        }
        throw error;
      }
    }

    let finished = false;
    return {
      headers,
      logBodies: deps.bodyLogging?.() === true,
      // Without a budget or an app's model list there is nothing to cover: a shared no-op, no closure per request.
      cover: budgetKeyId === undefined && budgetApp === undefined && appModels === undefined ? COVER_NOTHING : (target: Deployment) => {
        // The first attempt (admit() priced it) and a retry of the same deployment cost nothing here.
        if (target === covered) return;
        // A fallback group outside the app's models is refused like the key's would be.
        if (appModels !== undefined && !appAllowsModel(appModels, input.requestedModel, deployment.modelName, target.modelName)) throw appModelRefused(app, target.modelName, appModels);
        if (budgetKeyId === undefined && budgetApp === undefined) {
          covered = target;
          return;
        }
        const targetPrice = priceOf(target);
        const worst = worstCaseOn(target, targetPrice, input, promptEstimate, failClosed, budgetKeyId === undefined ? budgetApp : undefined);
        if (worst === undefined || worst <= reservedMicros) {
          covered = target;
          return;
        }
        // A Promise only in team mode (the ledger in PostgreSQL); SQLite answers here and now.
        const raising = budgetKeyId !== undefined ? deps.budget.topUp(budgetKeyId, requestId, worst) : deps.apps!.budget.topUp(budgetApp!, requestId, worst);
        return whenSettled(raising, (raised) => {
          if (!raised.ok) throw budgetRefusal(raised, input, targetPrice);
          reservedMicros = raised.reservedMicros;
          covered = target;
        });
      },
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
          if (ticket) settleQuietly(deps.limiter.recordTokens(ticket, usage.promptTokens + usage.completionTokens), requestId);
          if (lease) settleQuietly(deps.limiter.release(lease), requestId);
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
          if (result.failure) {
            record.errorMessage = logged(result.failure.message);
            record.upstreamStatus = result.failure.upstreamStatus;
            record.upstreamExcerpt = logged(result.failure.upstreamExcerpt);
          }
          if (result.bodies) {
            record.requestBody = stored(result.bodies.request, result.bodies.presentedKey);
            record.responseBody = stored(result.bodies.response, result.bodies.presentedKey);
          }
          recordWhenNamed(record, result.deployment, rowCaller, appOf, true);
        } catch (error) {
          // finish() must never throw into the request path; the row is the only thing lost.
          deps.log.error({ err: error, requestId }, 'could not record usage');
        }
      },
    };
  }

  /**
   * THE name a request is metered and ruled under (its "app"), the one place it is computed for
   * admission, refusals, rows and the default-model choice: the key's alias, else the calling
   * process and the User-Agent (callerAppName), given the lookup's answer at that moment.
   */
  function appNamer(key: { id: string; alias: string | null } | null, input: { userAgent: string | undefined; headers: AdmissionInput['headers'] }) {
    return (caller: CallerProcess | null | undefined): string => callerAppName({ key, userAgent: input.userAgent, headers: input.headers, caller });
  }

  /**
   * Hands `row` to the ledger and logs its line, the one path for every row: at once when the
   * connection's process lookup has answered (or there is none: no Promise, no microtask on
   * SQLite's path), else once it answers or gives up (bounded), with the app named then. The
   * request was answered already; only the row waits.
   */
  function recordWhenNamed(row: UsageRecord, deployment: Deployment | undefined, caller: CallerLookup | undefined, appOf: (caller: CallerProcess | null | undefined) => string, admitted = false): void {
    const write = (): void => {
      // An app is "seen" (first_seen, the new-app notification) under its final name, and only
      // once it was admitted: a refused key or a scanner's probe never announces an app.
      if (admitted && row.keyId === null) deps.apps?.rules.admit(row.app);
      deps.usage.record(row);
      requestLog.info(requestLogFields(row, deployment), REQUEST_LOG_MESSAGE);
    };
    const found = caller?.now();
    if (caller === undefined || found !== undefined) {
      if (found !== undefined) row.app = appOf(found);
      write();
      return;
    }
    caller.settle(ROW_WAITS_FOR_CALLER_MS).then((settled) => {
      row.app = appOf(settled);
      write();
    }).catch((error: unknown) => deps.log.error({ err: error, requestId: row.requestId }, 'could not record usage'));
  }

  /** A shared limiter's bookkeeping (team mode) settles later: its failure is logged, never thrown into finish(). */
  function settleQuietly(done: void | Promise<void>, requestId: string): void {
    if (done instanceof Promise) done.catch((error: unknown) => deps.log.warn({ err: error, requestId }, 'the shared rate limiter could not update its counts'));
  }
}

/**
 * An app's `models` admit a deployment's group, or the alias the client named, for the group that
 * alias resolved to and only that one (as a key's list does: admit-attempt.ts): a fallback group
 * must be listed itself.
 */
function appAllowsModel(models: readonly string[], requestedModel: string, requestedGroup: string, groupName: string): boolean {
  return keyAllowsModel(models, groupName) || (groupName === requestedGroup && keyAllowsModel(models, requestedModel));
}

function appModelRefused(app: string, model: string, models: readonly string[]): GatewayError {
  return new GatewayError('model_not_allowed',
    `App '${app}' may not use model "${model}": its rule allows only ${models.join(', ')} ` +
    `(change it on the dashboard's Apps page or with POST /app/update {"app": "${app}", "models": [...]})`, { param: 'model' });
}

function appNotAllowed(app: string): GatewayError {
  return new GatewayError('app_not_allowed',
    `App '${app}' is not allowed to use this gateway: general_settings.only_allowed_apps is on and '${app}' is not listed. ` +
    `Allow it on the dashboard's Apps page, or with POST /app/update {"app": "${app}", "allowed": true}`);
}

function rateLimited(message: string, retryAfter: number, headers: Record<string, string>): GatewayError {
  return new GatewayError('rate_limited', message, { retryAfter, headers });
}

/**
 * The budget's refusal as the client gets it: who (the key's alias, the app), what this request
 * may cost at most and why (its output tokens: the hold is the worst case, not the likely cost),
 * what is left, how to lower the hold, and when the budget resets.
 */
function budgetRefusal(refused: Exclude<ReserveResult, { ok: true }>, input: AdmissionInput, price: Price | undefined): GatewayError {
  if (refused.reason !== 'budget_exceeded') return new GatewayError('invalid_api_key', refused.message);
  const { choices, maxTokens } = readOutputBounds(input.endpoint, input.body);
  // The key's own budget keeps its short name (the app's alias); a level above it says which:
  // "team 'research'", "team member 'ana@example.com' in team 'research'", "user 'ana@example.com'".
  const name = refused.level === 'key' ? refused.keyAlias ?? `key ${refused.keyId}` : refused.name;
  const left = Math.max(0, refused.maxBudgetMicros - refused.spendMicros - refused.reservedMicros);
  const perChoice = price === undefined || input.endpoint === 'embeddings' ? undefined : worstCaseOutputTokensPerChoice(price, maxTokens);
  const tokens = perChoice === undefined ? '' : ` at ${groupThousands(perChoice)} output tokens${choices > 1 ? ` x ${groupThousands(choices)} choices` : ''}`;
  const held = refused.reservedMicros > 0 ? ` (${formatUsd(refused.reservedMicros)} more is held by requests in progress)` : '';
  const lower = perChoice === undefined || left === 0 ? '' : maxTokens === undefined ? '; set max_tokens to lower the hold' : '; lower max_tokens to lower the hold';
  const reset = refused.resetAt === null ? 'the budget does not reset on a schedule' : `resets ${formatUtcMinute(refused.resetAt)}`;
  const note = choices > 1
    ? ` It asks for ${choices} choices (n, best_of or a batch of prompts), each counted at its whole output limit: ask for fewer, or lower max_tokens.`
    : '';
  return new GatewayError('budget_exceeded',
    `Budget exceeded for ${name}: this request may cost up to ${formatUsd(refused.requestedMicros)}${tokens}; ` +
    `${name} has ${formatUsd(left)} left of its ${formatUsd(refused.maxBudgetMicros)} budget${held}${lower}; ${reset}.${note}`, {
      ...(refused.retryAfterSeconds !== null ? { retryAfter: refused.retryAfterSeconds } : {}),
    });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "5 Jan 2027 07:25 UTC": the reset as a person reads it, in the one zone every machine agrees on. */
function formatUtcMinute(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

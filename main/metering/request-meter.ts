// The seam between the request path and metering: admission (limits, budgets) once per
// request, cover() before every upstream attempt (the budget must hold the worst case of the
// deployment actually called), and exactly one finish() per admitted request, on every path.
// The contract lives here, below the gateway that calls it: a pass-through meter for an
// unmetered gateway, and the ledger-backed one (create-ledger-meter.ts).
import type { Deployment } from '../core/deployment.js';
import type { EndpointKind, TokenUsage } from '../providers/provider-adapter.js';
import type { Principal } from '../core/principal.js';
import type { CapturedBodies } from './body-capture.js';
import type { CallerLookup } from '../attribution/caller-process.js';

export type RequestStatus = 'success' | 'upstream_error' | 'client_aborted' | 'upstream_stalled' | 'rejected' | 'error';

export interface AdmissionInput {
  requestId: string;
  principal: Principal;
  endpoint: EndpointKind;
  requestedModel: string;
  deployment: Deployment;
  body: Record<string, unknown>;
  userAgent: string | undefined;
  /** Request headers, for attributing master-key requests to an app. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The route, e.g. /v1/chat/completions. */
  route: string;
  /**
   * The lookup of the process that opened this request's connection (loopback only, when process
   * attribution is on). Never awaited at admission: a lookup still running names the app when
   * the usage row is written.
   */
  caller?: CallerLookup | undefined;
}

export interface FinishedRequest {
  requestId: string;
  /** Epoch ms when the gateway received the request. */
  startedAt: number;
  latencyMs: number;
  /** Time to the first content byte sent to the client, streams only. */
  ttftMs: number | null;
  status: RequestStatus;
  httpStatus: number;
  errorCode: string | null;
  usage: TokenUsage | undefined;
  /** Characters of output relayed, to estimate usage when the upstream reported none. */
  outputChars: number;
  retries: number;
  fallbacks: number;
  /** The deployment that finally served (or last failed) the request. */
  deployment: Deployment;
  /** Why it failed, when it did: kept in the usage log (redacted and capped there). */
  failure?: RequestFailure;
  /** Only when the admission asked for body logging: the request and response text, not yet redacted or capped. */
  bodies?: CapturedBodies;
}

export interface RequestFailure {
  /** The error message the client got. */
  message: string;
  /** The upstream's HTTP status, when the failure is its answer. */
  upstreamStatus: number | null;
  /** A short, sanitised excerpt of the upstream's error body. */
  upstreamExcerpt: string | null;
}

export interface Admission {
  /** Headers to add to the response (e.g. x-ratelimit-*). */
  readonly headers: Record<string, string>;
  /** Body logging was on when this request was admitted: capture its bodies for finish(). */
  readonly logBodies?: boolean;
  /**
   * Called before EVERY upstream attempt, the first included (a retry onto another deployment,
   * a fallback group): makes the budget reservation cover `deployment`'s worst case, topping it
   * up when it is pricier than anything covered so far (never lowering it before finish()).
   * Throws GatewayError to refuse this deployment (budget_exceeded; a budgeted key on an unpriced
   * model); the request stays admitted and finish() is still due. Rate limits are not counted
   * again: they count requests, not attempts. Costs nothing for the deployment admit() priced.
   * Returns a Promise only when the budget lives in PostgreSQL (its rejection is the refusal);
   * callers await only a Promise, so SQLite's path stays free of microtasks.
   */
  cover(deployment: Deployment): void | Promise<void>;
  /** Called exactly once, whatever happened. Must not throw. */
  finish(result: FinishedRequest): void;
}

export interface RequestMeter {
  /**
   * Throws (or, on PostgreSQL, rejects with) GatewayError to refuse. Atomic either way (S27): on
   * SQLite one synchronous transaction, answered without a Promise (callers await only a
   * Promise); on PostgreSQL one conditional UPDATE per budget, exact across replicas.
   */
  admit(input: AdmissionInput): Admission | Promise<Admission>;
  /**
   * Records a request refused before admission (a key refused by authentication, a model the key
   * may not use) as rejected, with the refusal's message, so every refusal leaves its row. Must not throw.
   */
  reject?(input: RefusedRequest, refusal: { code: string; status: number; message: string }): void;
  /**
   * The model a request naming `requestedModel` is routed to: the same name, except that a request
   * with no key naming the active-model alias goes to its app's default_model when the app has one
   * (issue 19). Called before routing; absent = the name as sent. Never throws; a Promise only when it waits (bounded) for the connection's process lookup to name the app.
   */
  modelFor?(input: ModelChoiceInput): string | Promise<string>;
}

/** What the default-model choice reads of a request, before it is routed. */
export type ModelChoiceInput = Pick<AdmissionInput, 'principal' | 'requestedModel' | 'userAgent' | 'headers' | 'caller'>;

/** A request refused before admission, as far as it was read when it was refused. */
export interface RefusedRequest {
  requestId: string;
  /**
   * Whose request it was: the key that made it (a blocked or expired key is still that key), or
   * null for a caller with no valid key, attributed by its User-Agent. Never the presented key.
   */
  key: { id: string; alias: string | null } | null;
  /** The model name as the client sent it; '' when refused before the body was read (authentication). */
  requestedModel: string;
  /** The first deployment of the group it resolved to; absent when refused before routing. */
  deployment?: Deployment;
  userAgent: string | undefined;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  route: string;
  /** As AdmissionInput.caller. */
  caller?: CallerLookup | undefined;
}

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

export function createPassThroughMeter(): RequestMeter {
  const admission: Admission = { headers: NO_HEADERS, cover: () => undefined, finish: () => undefined };
  return { admit: () => admission };
}

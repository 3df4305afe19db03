// The one table that says which stage of a request a CPU-profile frame belongs to, for the bench's
// per-stage breakdown (attribute-profile-stages.ts). A sample is attributed by walking its stack
// from the innermost frame outward: the first frame a STRONG rule matches names the stage. A WEAK
// rule is for code shared by several stages (a storage runner, a cost helper, the pg driver, a
// library's generic parts): it counts only when no frame of the whole stack matches a strong rule,
// so the caller decides. Frames are matched on their source path (through the bundle's source map:
// `main/gateway/plugins/authenticate`, `node_modules/undici/lib/...`, `node:_http_outgoing`,
// without extension) and function name (the bundler's `$2` suffixes removed). First rule in table
// order wins for a frame, so a function rule stands before its file's catch-all.
// Measurement only: nothing here is loaded by the gateway. To see what a stage holds in a real
// profile: node dist/bench/explain-stages.js .bench/stage-profiles/profiles/<scenario>/.../*.cpuprofile

export type StageId =
  | 'parse' | 'auth' | 'routing' | 'admission' | 'handler' | 'upstream' | 'relay' | 'metering' | 'ledger'
  | 'logging' | 'framework' | 'database' | 'gc' | 'native' | 'other';

export interface Stage {
  id: StageId;
  label: string;
  /** What it holds, for the report's legend. */
  covers: string;
}

/** Every stage, in the order the table shows them. */
export const STAGES: readonly Stage[] = [
  { id: 'parse', label: 'parse/validate', covers: 'request body read and JSON parse (fastify content-type parser, our json-body-parser, nesting depth, decompression), zod/validateInferenceBody, translating a Responses/Ollama request to chat' },
  { id: 'auth', label: 'auth', covers: 'authenticate hook, failed-auth throttle, key verification and lookup (main/keys), incl. its hashing and SQLite reads' },
  { id: 'routing', label: 'routing', covers: 'model lookup, deployment choice, health, context-window guard (main/routing)' },
  { id: 'admission', label: 'admission', covers: 'meter.admit/cover: rate limits, budget reservation, per-attempt admission (admit-attempt)' },
  { id: 'handler', label: 'handler (proxyInference own code)', covers: 'proxyInference and the route handlers themselves: AbortController, header objects, JSON.parse of the answer, closures' },
  { id: 'upstream', label: 'upstream call', covers: 'undici request set-up, socket writes to the upstream and parsing its response (client, llhttp), provider adapters, reading the upstream body' },
  { id: 'relay', label: 'relay', covers: 'writing the answer to the client (node http ServerResponse, socket writes), stream relay, SSE decode/encode, rendering translated answers' },
  { id: 'metering', label: 'metering', covers: 'meter.finish/reject: usage record building, cost and token counting, ledger.record (queue push)' },
  { id: 'ledger', label: 'ledger flush', covers: 'the usage ledger batch write (flushInBackground → writeUsageBatch: rows, rollups, key spend) on SQLite; on PostgreSQL the part run on the event loop' },
  { id: 'logging', label: 'logging', covers: 'pino (fastify\'s per-request child logger, the request\'s info line), its redaction and secret masking, sonic-boom writes' },
  { id: 'framework', label: 'fastify/framework', covers: 'fastify\'s own code (hooks, routing, request id, reply and serialisation), our guard hooks and zones, node http server request parsing' },
  { id: 'database', label: 'database/async (caller not on stack)', covers: 'pg: sending queries and parsing results, storage runners and runMaybeAsync continuations, reached without a stage frame on the stack (async continuations, team mode): telling them apart needs a code change' },
  { id: 'gc', label: 'GC', covers: 'V8 (garbage collector) samples' },
  { id: 'native', label: 'native, no JS frame', covers: 'V8 (program) samples: the event loop, socket I/O and V8 work outside any JS function' },
  { id: 'other', label: 'other', covers: 'anything no rule matches (timers, promise plumbing, node streams not under a stage)' },
];

export interface StageRule {
  stage: StageId;
  /** Tested against the frame's source path (see above); anchored by the rule itself. */
  path?: RegExp;
  /** Tested against the function name (bundler suffix removed); absent = any function. */
  fn?: RegExp;
  /** Shared code: counts only when no strong rule matches any frame of the stack. */
  weak?: boolean;
}

const own = (folderOrFile: string) => new RegExp(`^main/${folderOrFile}(/|$)`);
const dep = (pkg: string) => new RegExp(`^node_modules/${pkg}(/|$)`);

/** Order matters within a frame only: the first rule that matches the frame is its rule. */
export const STAGE_RULES: readonly StageRule[] = [
  // V8's own buckets (no URL).
  { stage: 'gc', fn: /^\(garbage collector\)$/ },
  { stage: 'native', fn: /^\(program\)$/ },

  // Parse/validate: the body parser and validation, and request translation of the bridges.
  { stage: 'parse', path: /^main\/gateway\/plugins\/(json-body-parser|json-nesting-depth|decompress-request-body|create-zstd-decoder)$/ },
  { stage: 'parse', path: /^main\/gateway\/(validate-inference-body|find-routing-field)$/ },
  { stage: 'parse', path: /^main\/gateway\/routes\/parse-body$/ },
  { stage: 'parse', path: /^main\/gateway\/(ollama-inbound\/(parse|convert|ollama-routing-body|cap-keep-alive|to-image)|responses-inbound\/(parse|convert|responses-input-items))/ },
  { stage: 'parse', path: /^main\/gateway\/anthropic-inbound\/(parse|convert-anthropic-to-openai-request|anthropic-request-schema)/ },
  { stage: 'parse', path: dep('zod') },
  { stage: 'parse', path: dep('secure-json-parse') },
  { stage: 'parse', path: /^node_modules\/fastify\/lib\/content-type-parser$/ },

  // Auth: the hook and everything about keys.
  { stage: 'auth', path: /^main\/gateway\/plugins\/(authenticate|failed-auth-throttle)$/ },
  { stage: 'auth', path: /^main\/gateway\/ollama-discovery\/allow-keyless-ollama-clients$/ },
  { stage: 'auth', path: own('keys') },

  // Admission: the meter's admit/cover, rate limiters, per-attempt admission. The budget ledgers
  // are also called by the flush (settling), so they are weak: the caller decides.
  { stage: 'admission', path: /^main\/gateway\/admit-attempt$/ },
  { stage: 'admission', path: /^main\/metering\/create-ledger-meter$/, fn: /^(admit|cover)$/ },
  { stage: 'metering', path: /^main\/metering\/create-ledger-meter$/, fn: /^(finish|reject)$/ },
  { stage: 'admission', path: /^main\/metering\/create-ledger-meter$/, weak: true },
  { stage: 'admission', path: /^main\/metering\/(rate-limiter|shared-rate-limiter)$/ },
  { stage: 'admission', path: /^main\/metering\/(budget-ledger|owner-budget-ledger|budget-thresholds)$/, weak: true },

  // Routing.
  { stage: 'routing', path: own('routing') },

  // Ledger flush: the batch write and what it calls (SQLite runs it in this stack; PostgreSQL's
  // await splits it, see the database stage).
  { stage: 'ledger', path: /^main\/metering\/usage-ledger$/, fn: /^(flushInBackground|flush|close|background|writeBatch|writeNow|written|failed)$/ },
  { stage: 'metering', path: /^main\/metering\/usage-ledger$/, fn: /^(record|push|trim)$/ },
  { stage: 'ledger', path: /^main\/metering\/usage-ledger$/, weak: true },
  // The worker thread's side: receiving a batch and answering it is the ledger's cost too.
  { stage: 'ledger', path: /^main\/metering\/(write-usage-batch|write-usage-rollups|usage-rollups|spend-logs|usage-batch-service)$/ },

  // Logging: whoever logs (fastify's child logger per request, the meter's info line), the cost
  // is pino's. Secret masking is weak: body logging calls it too.
  { stage: 'logging', path: /^node_modules\/(pino|pino-std-serializers|sonic-boom|@pinojs\/redact|fast-redact|thread-stream)(\/|$)/ },
  { stage: 'logging', path: /^main\/create-logger$/ },
  { stage: 'logging', path: /^main\/metering\/redact-secrets$/, weak: true },

  // Metering: the rest of main/metering. Cost and token helpers are shared with admission (worst
  // case) and so weak.
  { stage: 'metering', path: /^main\/metering\/(compute-cost|price-table|price-data|price-supplement)$/, weak: true },
  { stage: 'metering', path: /^main\/core\/estimate-tokens$/, weak: true },
  { stage: 'metering', path: own('metering') },

  // The inference handler itself: proxyInference's own lines and the route functions that call it.
  // Its retry loop is the upstream call (admission inside it has its own rule above).
  { stage: 'upstream', path: /^main\/gateway\/proxy-inference$/, fn: /^(callWithRetries|attemptOnce|unpreparableRequest)$/ },
  { stage: 'handler', path: /^main\/gateway\/proxy-inference$/ },
  { stage: 'handler', path: /^main\/gateway\/routes\/(openai-routes|responses-routes|ollama-routes|anthropic-routes)$/ },
  { stage: 'handler', path: /^main\/gateway\/(responses-native-passthrough|ollama-native-passthrough|anthropic-native-passthrough|sleep-unless-aborted)$/ },

  // Relay: the answer to the client.
  { stage: 'relay', path: /^main\/gateway\/(relay-stream|read-first-choice|parse-event-object|interval-keep-alive)$/ },
  { stage: 'relay', path: /^main\/gateway\/(ollama-inbound|responses-inbound|anthropic-inbound)\// },
  { stage: 'relay', path: /^main\/providers\/(stream-decoder|openai-format|openai-usage|parse-json-safely)(\/|$)/ },
  { stage: 'relay', path: /^node:_http_outgoing$/ },
  { stage: 'relay', path: /^node:_http_server$/, fn: /^(writeHead|_implicitHeader|end|write|_writeRaw|_send|_flushOutput|_storeHeader)$/ },

  // Upstream: our client and adapters, and undici, except undici's body stream: who reads it
  // (the relay, readCappedBody) decides.
  { stage: 'upstream', path: own('providers') },
  { stage: 'upstream', path: /^node_modules\/undici\/lib\/api\/readable$/, weak: true },
  { stage: 'upstream', path: dep('undici') },

  // Framework: fastify's own code wherever it is called from (reply.send under the handler is the
  // framework's cost), our guard hooks and zones; node's http server side is weak.
  { stage: 'framework', path: /^main\/gateway\/plugins\// },
  { stage: 'framework', path: /^main\/gateway\/(zones\/|create-server$|create-http-server$|shed-idle-connections$)/ },
  { stage: 'framework', path: /^node_modules\/(fastify|find-my-way|avvio|light-my-request|fast-json-stringify|@fastify\/[^/]+|fastq|toad-cache|rfdc|process-warning|abstract-logging)(\/|$)/ },
  { stage: 'framework', path: /^node:(_http_server|_http_common|_http_incoming)$/, weak: true },

  // Database driver and storage runners: weak, so a key lookup is auth and a flush is the ledger;
  // what is left are async continuations (pg's socket reads, result parsing) with no caller frame.
  { stage: 'database', path: /^node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-[^/]+|better-sqlite3)(\/|$)/, weak: true },
  { stage: 'database', path: own('storage'), weak: true },
  { stage: 'database', path: /^main\/core\/run-maybe-async$/, weak: true },
];

/** The rule a frame matches first, or undefined. */
export function ruleForFrame(path: string, functionName: string, rules: readonly StageRule[] = STAGE_RULES): StageRule | undefined {
  const fn = functionName.replace(/\$\d+$/, '');
  for (const rule of rules) {
    if (rule.path !== undefined && !rule.path.test(path)) continue;
    if (rule.fn !== undefined && !rule.fn.test(fn)) continue;
    if (rule.path === undefined && rule.fn === undefined) continue;
    return rule;
  }
  return undefined;
}

/**
 * The stage of a stack given innermost frame first: the innermost strong match, else the
 * innermost weak match, else 'other'.
 */
export function stageOfStack(frames: readonly { path: string; functionName: string }[], rules: readonly StageRule[] = STAGE_RULES): StageId {
  let weak: StageId | undefined;
  for (const frame of frames) {
    const rule = ruleForFrame(frame.path, frame.functionName, rules);
    if (!rule) continue;
    if (!rule.weak) return rule.stage;
    weak ??= rule.stage;
  }
  return weak ?? 'other';
}

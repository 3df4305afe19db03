import { describe, expect, it } from 'vitest';
import { attributeProfileStages, addStageCounts, framesByStage, profileSpanUs, type StageCpuProfile } from '../../bench/attribute-profile-stages.js';
import { ruleForFrame, stageOfStack, STAGES, STAGE_RULES, type StageRule } from '../../bench/stage-rules.js';

/** Frames named by their rule path directly: the resolver is the identity on the url. */
const identity = (frame: { url: string }) => frame.url;
const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0, columnNumber: 0 });

/**
 * A small request as a profile tree:
 *   (root)
 *   ├─ (idle)                                          [idle: not busy]
 *   ├─ (garbage collector)                             [gc]
 *   ├─ (program)                                       [native]
 *   ├─ listOnTimeout node:internal/timers              [other: no rule anywhere]
 *   │   └─ flushInBackground main/metering/usage-ledger          [ledger]
 *   │       └─ run main/storage/bind-unit                         [weak database, under strong ledger → ledger]
 *   │           └─ budgetSettle main/metering/budget-ledger       [weak admission → ledger]
 *   ├─ runRoute node_modules/fastify/lib/route                    [weak framework]
 *   │   ├─ parse main/gateway/plugins/json-body-parser            [parse]
 *   │   │   └─ (anonymous) node_modules/secure-json-parse/index   [parse]
 *   │   └─ proxyInference$2 main/gateway/proxy-inference          [handler; bundler suffix stripped]
 *   │       ├─ AbortController node:internal/abort_controller     [no rule → ancestor: handler]
 *   │       ├─ admit main/metering/create-ledger-meter            [admission]
 *   │       │   └─ reserve main/metering/budget-ledger            [weak admission, admit is strong → admission]
 *   │       │       └─ estimateTokens main/core/estimate-tokens   [weak metering; strong admit outside → admission]
 *   │       ├─ callWithRetries main/gateway/proxy-inference       [upstream]
 *   │       │   └─ request node_modules/undici/lib/dispatcher/client  [upstream]
 *   │       │       └─ writev node:net                            [no rule → undici → upstream]
 *   │       ├─ send node_modules/fastify/lib/reply                [framework, whoever calls it]
 *   │       │   └─ end node:_http_outgoing                        [relay]
 *   │       └─ finish main/metering/create-ledger-meter           [metering]
 *   │           └─ write node_modules/pino/lib/proto              [logging]
 *   │               └─ redact main/metering/redact-secrets        [weak logging; pino is strong → logging]
 *   └─ onStreamRead node:internal/stream_base_commons
 *       └─ handleRowDescription node_modules/pg-protocol/dist/parser  [weak database only → database]
 */
const PROFILE: StageCpuProfile = {
  startTime: 1_000_000,
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 4, 5, 10, 20] },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('(garbage collector)') },
    { id: 4, callFrame: frame('(program)') },
    { id: 5, callFrame: frame('listOnTimeout', 'node:internal/timers'), children: [6] },
    { id: 6, callFrame: frame('flushInBackground', 'main/metering/usage-ledger'), children: [7] },
    { id: 7, callFrame: frame('run', 'main/storage/bind-unit'), children: [8] },
    { id: 8, callFrame: frame('budgetSettle', 'main/metering/budget-ledger') },
    { id: 10, callFrame: frame('runRoute', 'node_modules/fastify/lib/route'), children: [11, 13] },
    { id: 11, callFrame: frame('parse', 'main/gateway/plugins/json-body-parser'), children: [12] },
    { id: 12, callFrame: frame('', 'node_modules/secure-json-parse/index') },
    { id: 13, callFrame: frame('proxyInference$2', 'main/gateway/proxy-inference'), children: [14, 15, 18, 30, 40] },
    { id: 14, callFrame: frame('AbortController', 'node:internal/abort_controller') },
    { id: 15, callFrame: frame('admit', 'main/metering/create-ledger-meter'), children: [16] },
    { id: 16, callFrame: frame('reserve', 'main/metering/budget-ledger'), children: [17] },
    { id: 17, callFrame: frame('estimateTokens', 'main/core/estimate-tokens') },
    { id: 18, callFrame: frame('callWithRetries', 'main/gateway/proxy-inference'), children: [19] },
    { id: 19, callFrame: frame('request', 'node_modules/undici/lib/dispatcher/client'), children: [25] },
    { id: 25, callFrame: frame('writev', 'node:net') },
    { id: 30, callFrame: frame('send', 'node_modules/fastify/lib/reply'), children: [31] },
    { id: 31, callFrame: frame('end', 'node:_http_outgoing') },
    { id: 40, callFrame: frame('finish', 'main/metering/create-ledger-meter'), children: [41] },
    { id: 41, callFrame: frame('write', 'node_modules/pino/lib/proto'), children: [42] },
    { id: 42, callFrame: frame('redact', 'main/metering/redact-secrets') },
    { id: 20, callFrame: frame('onStreamRead', 'node:internal/stream_base_commons'), children: [21] },
    { id: 21, callFrame: frame('handleRowDescription', 'node_modules/pg-protocol/dist/parser') },
  ],
  samples: [],
  timeDeltas: [],
};

/** One sample of each node id listed, 100 µs apart. */
function sampled(ids: number[]): StageCpuProfile {
  return { ...PROFILE, samples: ids, timeDeltas: ids.map(() => 100) };
}

describe('stage rules', () => {
  it('every rule names a known stage, and every stage is listed once', () => {
    const ids = STAGES.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of STAGE_RULES) expect(ids).toContain(rule.stage);
  });

  it.each([
    ['the authenticate hook', 'main/gateway/plugins/authenticate', 'onRequest', 'auth'],
    ['key verification', 'main/keys/verify-key', 'verifyKey', 'auth'],
    ['the router', 'main/routing/pick-deployment', 'pickDeployment', 'routing'],
    ['the rate limiter', 'main/metering/rate-limiter', 'check', 'admission'],
    ['the usage batch write', 'main/metering/write-usage-batch', 'writeUsageRows', 'ledger'],
    ['the worker thread receiving a batch', 'main/metering/usage-batch-service', 'serveUsageBatches', 'ledger'],
    ['the ledger queue push', 'main/metering/usage-ledger', 'record', 'metering'],
    ['the meter finish', 'main/metering/create-ledger-meter', 'finish', 'metering'],
    ['the stream relay', 'main/gateway/relay-stream', 'relayStream', 'relay'],
    ['an Ollama answer encoder', 'main/gateway/ollama-inbound/create-ollama-stream-encoder', 'encode', 'relay'],
    ['an Ollama request parser', 'main/gateway/ollama-inbound/parse-ollama-chat-request', 'parse', 'parse'],
    ['a Responses request translation', 'main/gateway/responses-inbound/convert-responses-to-chat-request', 'convert', 'parse'],
    ['zod', 'node_modules/zod/v3/types', '_parse', 'parse'],
    ['the upstream client', 'main/providers/upstream-client', 'send', 'upstream'],
    ['undici\'s HTTP/1 client', 'node_modules/undici/lib/dispatcher/client-h1', 'writeH1', 'upstream'],
    ['the guard hooks', 'main/gateway/plugins/local-only-guard', 'guard', 'framework'],
    ['fastify\'s body reading', 'node_modules/fastify/lib/content-type-parser', 'rawBody', 'parse'],
    ['the keyless-Ollama auth wrapper', 'main/gateway/ollama-discovery/allow-keyless-ollama-clients', 'authenticate', 'auth'],
    ['the ledger write of a close', 'main/metering/usage-ledger', 'writeNow', 'ledger'],
    ['pino\'s redaction', 'node_modules/@pinojs/redact/index', 'redact', 'logging'],
    ['a runMaybeAsync continuation with no caller (team mode)', 'main/core/run-maybe-async', 'continueAsync', 'database'],
  ])('%s is its stage on its own', (_what, path, fn, stage) => {
    expect(stageOfStack([{ path, functionName: fn }])).toBe(stage);
  });

  it('strips the bundler\'s $N suffix before matching function names', () => {
    expect(ruleForFrame('main/metering/usage-ledger', 'flushInBackground$1')?.stage).toBe('ledger');
  });

  it('lets a strong rule anywhere outward win over a weak one inside', () => {
    const stack = [
      { path: 'main/storage/run-postgres-unit', functionName: 'run' },
      { path: 'main/keys/verify-key', functionName: 'verify' },
    ];
    expect(stageOfStack(stack)).toBe('auth');
  });

  it('uses the innermost weak rule when no strong rule matches', () => {
    const stack = [
      { path: 'node_modules/pg-protocol/dist/parser', functionName: 'parse' },
      { path: 'node:_http_server', functionName: 'parserOnIncoming' },
    ];
    expect(stageOfStack(stack)).toBe('database');
  });

  it('puts a stack no rule matches in other', () => {
    expect(stageOfStack([{ path: 'node:internal/timers', functionName: 'listOnTimeout' }, { path: '', functionName: '(root)' }])).toBe('other');
    expect(stageOfStack([])).toBe('other');
  });

  it('takes rules as a parameter (a stage table of one rule)', () => {
    const rules: StageRule[] = [{ stage: 'relay', path: /^x$/ }];
    expect(stageOfStack([{ path: 'x', functionName: 'f' }], rules)).toBe('relay');
    expect(stageOfStack([{ path: 'main/keys/verify-key', functionName: 'f' }], rules)).toBe('other');
  });
});

describe('attributeProfileStages', () => {
  it('attributes each sample by walking its ancestors, innermost first', () => {
    const counts = attributeProfileStages(sampled([3, 4, 5, 8, 12, 14, 17, 25, 31, 21, 30, 40, 42]), identity);
    expect(counts.samples).toMatchObject({
      gc: 1, native: 1, other: 1, ledger: 1, parse: 1, handler: 1, admission: 1, upstream: 1, relay: 1, database: 1,
      framework: 1, metering: 1, logging: 1, auth: 0, routing: 0,
    });
    expect(counts.busySamples).toBe(13);
  });

  it('counts samples, not their deltas, and leaves idle samples out of the busy count', () => {
    const profile = { ...sampled([2, 2, 2, 10, 13]), timeDeltas: [100, 100, 100, 5_000, 100] };
    const counts = attributeProfileStages(profile, identity);
    expect(counts.busySamples).toBe(2);
    expect(counts.samples.framework).toBe(1); // fastify's own route code, nothing strong around it
    expect(counts.samples.handler).toBe(1);
  });

  it('keeps only the samples inside the time window', () => {
    // Sample times: 1,000,100 / 1,000,200 / ... / 1,000,500.
    const counts = attributeProfileStages(sampled([3, 12, 12, 12, 3]), identity, { startUs: 1_000_150, endUs: 1_000_450 });
    expect(counts.samples.parse).toBe(3);
    expect(counts.samples.gc).toBe(0);
    expect(counts.outsideWindow).toBe(2);
    expect(profileSpanUs(sampled([3, 12, 12, 12, 3]))).toEqual({ startUs: 1_000_000, endUs: 1_000_500 });
  });

  it('resolves frames through the given resolver', () => {
    const profile: StageCpuProfile = {
      nodes: [{ id: 1, callFrame: frame('(root)'), children: [2] }, { id: 2, callFrame: { ...frame('f', 'file:///bundle.mjs'), lineNumber: 7 } }],
      samples: [2], timeDeltas: [100],
    };
    const counts = attributeProfileStages(profile, (f) => (f.lineNumber === 7 ? 'main/keys/verify-key' : f.url));
    expect(counts.samples.auth).toBe(1);
  });

  it('adds the counts of several replicas', () => {
    const a = attributeProfileStages(sampled([12, 14]), identity);
    const b = attributeProfileStages(sampled([12, 2]), identity);
    const sum = addStageCounts(a, b);
    expect(sum.samples.parse).toBe(2);
    expect(sum.samples.handler).toBe(1);
    expect(sum.busySamples).toBe(3);
  });

  it('counts a sample of a node the profile lacks as other', () => {
    const counts = attributeProfileStages(sampled([999]), identity);
    expect(counts.samples.other).toBe(1);
  });

  it('lists what each stage holds by its innermost three frames (explain-stages)', () => {
    const stages = framesByStage(sampled([25, 25, 14, 2]), identity);
    expect([...stages.get('upstream')!]).toEqual([['writev node:net < request node_modules/undici/lib/dispatcher/client < callWithRetries main/gateway/proxy-inference', 2]]);
    expect([...stages.get('handler')!]).toEqual([['AbortController node:internal/abort_controller < proxyInference$2 main/gateway/proxy-inference < runRoute node_modules/fastify/lib/route', 1]]);
    expect(stages.has('other')).toBe(false); // the idle sample is not listed
  });
});

// `npm run bench`: starts the mock upstream, the floor proxy and the gateway (each its own
// process), proves each one proxies, loads them interleaved over several rounds, and prints the
// Markdown table (also written to .bench/latest.md). Stops by itself; never leaves a child
// running, even when interrupted. New scenarios are new entries in BENCH_TARGETS (a gateway
// variant names the gateway it is compared against) or in STANDALONE_MEASUREMENTS.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dispatcher } from 'undici';
import { parseBenchOptions, BENCH_USAGE, type BenchOptions } from './bench-options.js';
import { directTarget, floorTarget, originsOf, slugOf, type BenchContext, type BenchTarget } from './bench-target.js';
import { createChildRegistry, type ChildRegistry } from './child-registry.js';
import { evaluateChecks } from './gateway-checks.js';
import { BENCH_KEY_ALIAS, generateVirtualKey, ledgerFindings, recordedWhenSettled, requestsRecordedFor } from './bench-virtual-key.js';
import {
  BENCH_MASTER_KEY, GROUP_DEPLOYMENT_IDS, chatOnlyDeploymentConfig, gatewayTarget, singleDeploymentConfig, twoDeploymentGroupConfig,
} from './gateway-target.js';
import { createLoadPool } from './load-generator.js';
import { teamModeTarget } from './team-mode-target.js';
import { findPostgresBinaries } from './throwaway-postgres-cluster.js';
import { machineInfo } from './machine-info.js';
import { measureStartup } from './measure-startup.js';
import { readProcessMemory } from './read-process-memory.js';
import { sourceRevision } from './source-revision.js';
import { renderStageTable } from './render-stage-table.js';
import { runStagePass, STAGE_PROFILE_INTERVAL_US, type StagePassResult } from './stage-pass.js';
import { format, renderReport } from './render-report.js';
import { runRounds, type ActiveTarget, type LoadShape } from './run-rounds.js';
import { skippedRows, standaloneRows, type StandaloneMeasurement } from './standalone-measurement.js';
import { summarizeCpuProfile, type CpuProfile } from './summarize-cpu-profile.js';
import { medianOf, requestsSent, type TargetMeasurements } from './target-measurements.js';
import { usageSummaryMeasurement } from './usage-summary-measurement.js';
import { verifyDeploymentSpread } from './verify-deployment-spread.js';
import { verifyEveryReplica } from './verify-target.js';

const PLAIN_GATEWAY = 'gateway';
const VIRTUAL_KEY_GATEWAY = 'gateway + virtual key';
const GROUP_GATEWAY = 'gateway + 2-deployment group';
const RESPONSES_PASS_THROUGH = 'gateway, Responses API pass-through';
const RESPONSES_BRIDGE = 'gateway, Responses API bridged to chat';
const OLLAMA_BRIDGE = 'gateway, Ollama /api/chat bridged to chat';
const ANTHROPIC_BRIDGE = 'gateway, Anthropic Messages bridged to chat';
const NO_ATTRIBUTION_GATEWAY = 'gateway, process attribution off';
const ARENA_GATEWAY = 'gateway, two malloc arenas (as the container runs it)';
const TEAM_MODE_REPLICAS = 2;
const TEAM_MODE_GATEWAY = `gateway + virtual key, team mode (${TEAM_MODE_REPLICAS} replicas, PostgreSQL)`;
/** How long the team-mode ledger check waits for the replicas' last batched usage rows (written every 200 ms). */
const LEDGER_SETTLE = { timeoutMs: 5_000, intervalMs: 100 };

/** Why the team-mode row cannot run here (no PostgreSQL server binaries), or undefined when it can. */
function teamModeUnavailable(): string | undefined {
  try {
    findPostgresBinaries({ explicitDir: process.env.SWITCHBOARD_TEST_PG_BIN, path: process.env.PATH });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Everything loaded, in this order; the direct and floor baselines must stay. */
const BENCH_TARGETS: readonly BenchTarget[] = [
  directTarget,
  floorTarget,
  // Master key, one deployment: the core numbers every variant is compared against.
  gatewayTarget({ name: PLAIN_GATEWAY, configYaml: singleDeploymentConfig, masterKey: BENCH_MASTER_KEY }),
  // Issue 3: the client holds a virtual key made through /key/generate; each request is
  // verified against it and recorded under it. Starts exactly like the plain gateway.
  gatewayTarget({
    name: VIRTUAL_KEY_GATEWAY, configYaml: singleDeploymentConfig, masterKey: BENCH_MASTER_KEY,
    comparedTo: PLAIN_GATEWAY, measureStartup: false,
    clientHeaders: async (gateway) => ({ authorization: `Bearer ${await generateVirtualKey(gateway.origin, gateway.masterKey)}` }),
    afterLoad: async (gateway, sent) =>
      ledgerFindings(VIRTUAL_KEY_GATEWAY, BENCH_KEY_ALIAS, await requestsRecordedFor(gateway.origin, gateway.masterKey), sent),
  }),
  // Issue 6: the model is a group of two deployments (the same mock twice), so the router
  // picks one per request.
  gatewayTarget({
    name: GROUP_GATEWAY, configYaml: twoDeploymentGroupConfig, masterKey: BENCH_MASTER_KEY,
    comparedTo: PLAIN_GATEWAY, measureStartup: false,
    verify: (gateway, headers) => verifyDeploymentSpread(GROUP_GATEWAY, gateway.origin, headers, GROUP_DEPLOYMENT_IDS),
  }),
  // Issue 12: the client speaks POST /v1/responses. Pass-through: the openai/ deployment's
  // upstream serves /v1/responses itself and its events are relayed. Bridge: a chat-only
  // deployment (hosted_vllm/), so the request becomes a chat completion and the chat stream
  // becomes Responses events. Both against the plain gateway's chat completions.
  gatewayTarget({
    name: RESPONSES_PASS_THROUGH, configYaml: singleDeploymentConfig, masterKey: BENCH_MASTER_KEY,
    comparedTo: PLAIN_GATEWAY, measureStartup: false, wireFormat: 'responses',
  }),
  gatewayTarget({
    name: RESPONSES_BRIDGE, configYaml: chatOnlyDeploymentConfig, masterKey: BENCH_MASTER_KEY,
    comparedTo: PLAIN_GATEWAY, measureStartup: false, wireFormat: 'responses',
  }),
  // Issue 13: an Ollama client (POST /api/chat, NDJSON) reaching the same OpenAI-format
  // deployment: the request translated to a chat completion, the SSE chunks back to NDJSON lines.
  gatewayTarget({
    name: OLLAMA_BRIDGE, configYaml: singleDeploymentConfig, masterKey: BENCH_MASTER_KEY,
    comparedTo: PLAIN_GATEWAY, measureStartup: false, wireFormat: 'ollama',
  }),
  // Claude Code against a model that is not Anthropic's (a local one, behind an OpenAI-compatible
  // server): POST /v1/messages translated to a chat completion, the SSE chunks back to Anthropic events.
  gatewayTarget({
    name: ANTHROPIC_BRIDGE, configYaml: singleDeploymentConfig, masterKey: BENCH_MASTER_KEY,
    comparedTo: PLAIN_GATEWAY, measureStartup: false, wireFormat: 'anthropic',
  }),
  // Issue 19: the plain gateway with per-process attribution turned off, to show what the lookup
  // (one per connection, on a worker thread) costs the plain gateway, where it is on by default.
  gatewayTarget({
    name: NO_ATTRIBUTION_GATEWAY, configYaml: singleDeploymentConfig, masterKey: BENCH_MASTER_KEY,
    comparedTo: PLAIN_GATEWAY, measureStartup: false, env: { SWITCHBOARD_PROCESS_ATTRIBUTION: '0' },
  }),
  // Issue 18: the plain gateway as the container image runs it, with glibc limited to two malloc
  // arenas (the Dockerfile's MALLOC_ARENA_MAX=2), to show what per-thread arenas cost in RSS.
  gatewayTarget({
    name: ARENA_GATEWAY, configYaml: singleDeploymentConfig, masterKey: BENCH_MASTER_KEY,
    comparedTo: PLAIN_GATEWAY, measureStartup: false, env: { MALLOC_ARENA_MAX: '2' },
  }),
  // Issue 16: the virtual-key scenario as two replicas on one throwaway PostgreSQL 15 database
  // (team mode), the load spread across both: key verification, budget reservation, shared
  // rate-limit counting and the usage ledger all in the database. The key is made on replica 1 and
  // used on both. Compared against the same scenario on SQLite (one process). Left out (with a
  // note) without PostgreSQL.
  ...(teamModeUnavailable() === undefined ? [teamModeTarget({
    name: TEAM_MODE_GATEWAY, replicas: TEAM_MODE_REPLICAS, configYaml: singleDeploymentConfig, masterKey: BENCH_MASTER_KEY,
    comparedTo: VIRTUAL_KEY_GATEWAY, measureStartup: false,
    clientHeaders: async (gateway) => ({ authorization: `Bearer ${await generateVirtualKey(gateway.origin, gateway.masterKey)}` }),
    afterLoad: async (gateway, sent) => ledgerFindings(TEAM_MODE_GATEWAY, BENCH_KEY_ALIAS,
      await recordedWhenSettled(() => requestsRecordedFor(gateway.origin, gateway.masterKey), sent, LEDGER_SETTLE), sent),
  })] : []),
];

/** Measured once each after the load, alone (not targets): e.g. a query over a large table. */
const STANDALONE_MEASUREMENTS: readonly StandaloneMeasurement[] = [usageSummaryMeasurement()];

/** Requests per target per round; scaled by --quick. */
const LOAD_SHAPES: readonly LoadShape[] = [
  { id: 'c1', concurrency: 1, count: 600, kind: 'chat' },
  { id: 'c16', concurrency: 16, count: 6_000, kind: 'chat' },
  { id: 'stream', concurrency: 1, count: 400, kind: 'chat-stream' },
  // Issue 18 item 6: the first token under concurrency, within 2x the floor's added time.
  { id: 'stream16', concurrency: 16, count: 1_600, kind: 'chat-stream' },
];

const LOAD_RUN_DEADLINE_MS = 20_000;
/**
 * Requests in each scenario's profiled pass (at most the c=16 shape's count): ~5,000 samples at
 * 200 µs for the plain gateway, enough for a stage of 1 % to show, and the whole pass about a
 * minute on a quiet 2-core machine.
 */
const STAGE_PASS_MAX_REQUESTS = 3_000;
// 8 minutes of load and measurements, plus up to 2 for the per-stage profiled pass.
const WHOLE_RUN_DEADLINE_MS = 10 * 60_000;
const READY = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseBenchOptions(argv);
  if ('error' in parsed) {
    process.stderr.write(`bench: ${parsed.error}\n\n${BENCH_USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(BENCH_USAGE);
    return 0;
  }
  const registry = createChildRegistry();
  const workDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  installCleanup(registry, workDir);
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: gave up after ${WHOLE_RUN_DEADLINE_MS / 60_000} minutes\n`);
    process.exit(1); // the 'exit' handler kills every child
  }, WHOLE_RUN_DEADLINE_MS);
  const pools: Dispatcher[] = [];
  try {
    return await bench(parsed, registry, workDir, pools);
  } finally {
    clearTimeout(watchdog);
    await Promise.all(pools.map((pool) => pool.destroy()));
    await registry.stopAll();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** BENCH_TARGETS narrowed by --only; the baselines every comparison needs always stay. */
function selectedTargets(only: readonly string[] | undefined): readonly BenchTarget[] | { error: string } {
  if (only === undefined) return BENCH_TARGETS;
  const known = new Set(BENCH_TARGETS.map((target) => slugOf(target.name)));
  const unknown = only.filter((slug) => !known.has(slug));
  if (unknown.length > 0) return { error: `--only: no scenario ${unknown.map((slug) => `"${slug}"`).join(', ')}; the scenarios are ${[...known].join(', ')}` };
  const kept = new Set([slugOf(directTarget.name), slugOf(floorTarget.name), slugOf(PLAIN_GATEWAY), ...only]);
  return BENCH_TARGETS.filter((target) => kept.has(slugOf(target.name)));
}

async function bench(options: BenchOptions, registry: ChildRegistry, workDir: string, pools: Dispatcher[]): Promise<number> {
  const scenarios = selectedTargets(options.only);
  if ('error' in scenarios) {
    process.stderr.write(`bench: ${scenarios.error}\n`);
    return 2;
  }
  const machine = await machineInfo();
  progress(`${machine.date} · Node ${machine.node} · ${machine.cpuModel} · ${machine.cores} cores`);
  const profileDir = options.profile ? join(repoRoot, '.bench', 'profiles', String(Date.now())) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  const mock = await registry.spawnServer('mock upstream', {
    args: [join(benchDir, 'mock-upstream-server.js')], cwd: repoRoot, ipc: true, readyPattern: READY, timeoutMs: 10_000,
  });
  const context: BenchContext = { registry, repoRoot, benchDir, mockOrigin: mock.origin, workDir, profileDir };

  const active: ActiveTarget[] = [];
  const measurements = new Map<string, TargetMeasurements>();
  /** Requests each target got while being verified (every replica is verified): the ledger counts them. */
  const verificationRequests = new Map<string, number>();
  for (const target of scenarios) {
    const running = await target.start(context);
    // Idle means right after start, before the first request. Replicas: the first one's process.
    const memoryIdle = running.pid === undefined ? undefined : readProcessMemory(running.pid);
    const targetPools = new Map<number, Dispatcher>();
    for (const concurrency of new Set(LOAD_SHAPES.map((shape) => shape.concurrency))) {
      const pool = createLoadPool(originsOf(running), concurrency);
      pools.push(pool);
      targetPools.set(concurrency, pool);
    }
    await running.prepare?.();
    verificationRequests.set(target.name, await verifyEveryReplica(target.name, [...targetPools.values()][0]!, running));
    active.push({ name: target.name, running, pools: targetPools });
    measurements.set(target.name, {
      name: target.name, role: target.role, ...(target.comparedTo === undefined ? {} : { comparedTo: target.comparedTo }),
      rounds: { c1: [], c16: [], stream: [], stream16: [] }, memoryIdle, memoryAfterLoad: undefined, startupMs: [],
    });
    progress(`${target.name} ready at ${originsOf(running).join(', ')}`);
  }

  const shapes = LOAD_SHAPES.map((shape) => ({ ...shape, count: Math.max(50, Math.round(shape.count * options.scale)) }));
  progress('warm-up round (discarded)');
  const warmUp = await runRounds({ targets: active, shapes: shapes.map((s) => ({ ...s, count: Math.ceil(s.count / 2) })), rounds: 1, deadlineMs: LOAD_RUN_DEADLINE_MS });
  progress(`measuring ${options.rounds} rounds`);
  const rounds = await runRounds({
    targets: active, shapes, rounds: options.rounds, deadlineMs: LOAD_RUN_DEADLINE_MS,
    onRun: (round, shape, name, stats) => {
      if (shape.id === 'c16') progress(`round ${round + 1}/${options.rounds} c=16 ${name}: ${Math.round(stats.requestsPerSecond)} req/s, p50 ${format(stats.p50, 'ms')}`);
    },
  });

  const warnings: string[] = [];
  const notes: string[] = [];
  const noTeamMode = teamModeUnavailable();
  if (noTeamMode !== undefined) notes.push(`${TEAM_MODE_GATEWAY}: not measured in this run: ${noTeamMode}`);
  let requestsFailed = false;
  if (machine.busyBefore !== undefined && machine.busyBefore > 0.2) {
    warnings.push(`the machine was busy with other work (${(machine.busyBefore * 100).toFixed(0)} % of all CPU time just before the run): `
      + 'absolute numbers are noisy; the per-round ratios and CPU per request hold up better');
  }
  for (const target of active) {
    const measured = measurements.get(target.name)!;
    measured.rounds = rounds.get(target.name)!;
    measured.memoryAfterLoad = target.running.pid === undefined ? undefined : readProcessMemory(target.running.pid);
    const failed = Object.values(measured.rounds).flat().filter((stats) => stats.errors > 0);
    if (failed.length > 0) {
      requestsFailed = true;
      warnings.push(`${target.name}: ${failed.reduce((n, s) => n + s.errors, 0)} failed requests (first: ${failed[0]!.firstError ?? '?'})`);
    }
    if (target.running.afterLoad) {
      const sent = verificationRequests.get(target.name)! + requestsSent(warmUp.get(target.name)!) + requestsSent(measured.rounds);
      const findings = await target.running.afterLoad(sent);
      notes.push(...findings.notes);
      warnings.push(...findings.warnings);
    }
  }
  for (const target of active) {
    if (!target.running.startup) continue;
    progress(`measuring start to first answer for ${target.name} (${options.startupSamples} starts)`);
    measurements.get(target.name)!.startupMs = await measureStartup({
      registry, ...target.running.startup, samples: options.startupSamples, timeoutMs: 10_000,
    });
  }
  // Our keep-alive connections go first, so each server's graceful close is quick.
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  for (const target of active) await target.running.stop();

  // After the measured rounds and on fresh processes: profiling slows a process, so no measured
  // number above comes from a profiled one.
  let stages: StagePassResult[] = [];
  if (options.stages) {
    const c16 = shapes.find((shape) => shape.id === 'c16')!;
    const count = Math.min(c16.count, STAGE_PASS_MAX_REQUESTS);
    const started = Date.now();
    // A failed breakdown costs the breakdown, not the measured report above it.
    try {
      stages = await runStagePass({
        context, targets: scenarios, count, warmUpCount: Math.ceil(count / 4), concurrency: c16.concurrency,
        deadlineMs: LOAD_RUN_DEADLINE_MS, profileRoot: join(repoRoot, '.bench', 'stage-profiles'), workRoot: join(workDir, 'stage-pass'), progress,
      });
      progress(`stage profiles took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    } catch (error) {
      warnings.push(`per-stage CPU breakdown: not made: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const extraRows = [];
  for (const measurement of STANDALONE_MEASUREMENTS) {
    if (measurement.slow && !options.slow) {
      progress(`skipping ${measurement.name} (slow; --quick leaves it out, --slow puts it back)`);
      extraRows.push(...skippedRows(measurement));
      notes.push(`${measurement.name}: skipped in this run (--quick leaves slow measurements out; add --slow, or run without --quick).`);
      continue;
    }
    progress(`measuring ${measurement.name}`);
    const outcome = await measurement.run();
    extraRows.push(...standaloneRows(measurement.name, outcome.results));
    notes.push(...outcome.notes);
  }

  const targets = [...measurements.values()];
  const shapeText = shapes.map((s) => `${s.kind === 'chat-stream' ? `stream c=${s.concurrency}` : `c=${s.concurrency}`} ${s.count}`).join(', ');
  const report = renderReport({
    machine,
    revision: sourceRevision(repoRoot),
    method: `Each server in its own process on 127.0.0.1; gateway via \`switchboard serve\` with auth on and usage recording on (always, in \`serve\`). `
      + `Scenarios: "${PLAIN_GATEWAY}" = master key, one deployment (its requests are recorded too, attributed by User-Agent); `
      + `"${VIRTUAL_KEY_GATEWAY}" = the same config, the client using a virtual key made with POST /key/generate {"key_alias":"${BENCH_KEY_ALIAS}"} `
      + `(verified and recorded under that key on every request); "${GROUP_GATEWAY}" = master key, a model group of two deployments of the same mock `
      + `(default simple-shuffle); "${RESPONSES_PASS_THROUGH}" = the plain config, the client sending the same prompt to POST /v1/responses, `
      + `relayed to the mock's /v1/responses; "${RESPONSES_BRIDGE}" = the same request to a chat-only (hosted_vllm/) deployment of the mock, `
      + `translated to a chat completion and back to Responses events; "${OLLAMA_BRIDGE}" = the plain config, the same prompt sent to POST /api/chat `
      + `(Ollama's API, NDJSON), translated to a chat completion and back; "${ANTHROPIC_BRIDGE}" = the plain config, the same prompt sent to `
      + `POST /v1/messages (Anthropic's Messages API, as Claude Code sends it), translated to a chat completion and back to Anthropic events; "${TEAM_MODE_GATEWAY}" = the virtual-key scenario as ${TEAM_MODE_REPLICAS} \`serve\` `
      + `processes with DATABASE_URL set to one database on a throwaway PostgreSQL cluster on loopback (fsync off), so keys, budgets, rate limits and usage `
      + `live in PostgreSQL; the key is made on replica 1 and verified on each replica, the load is spread across them by an undici BalancedPool `
      + `(the same connection count in total, at least one per replica), its CPU per request is the replicas' processes summed (PostgreSQL's own `
      + `processes not counted) and its RSS rows are replica 1's process alone; compared against "${VIRTUAL_KEY_GATEWAY}" (one process on SQLite). `
      + `Variants also get rows measured against "${PLAIN_GATEWAY}". `
      + `Load generator: undici Pool (BalancedPool over replicas), keep-alive. ${options.rounds} rounds after a warm-up; per round every shape visits every target `
      + `round-robin (rotating start). Values are medians across rounds; added latency and ratios are taken per round, then the median. `
      + `Requests per target per round: ${shapeText}.`,
    rows: [...evaluateChecks(targets), ...extraRows],
    targets,
    notes,
    warnings,
  }) + (stages.length > 0 ? `\n${renderStageTable(stages, STAGE_PROFILE_INTERVAL_US, measuredCpu(targets))}` : '');
  const outDir = join(repoRoot, '.bench');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.md'), report);
  process.stdout.write(`\n${report}\nWritten to .bench/latest.md\n`);
  if (profileDir) printProfiles(profileDir, outDir);
  // Failed requests make the numbers meaningless; a busy machine only makes them noisy.
  return requestsFailed ? 1 : 0;
}

/** Each target's median CPU per request at c=16 in the measured rounds. */
function measuredCpu(targets: readonly TargetMeasurements[]): Map<string, number> {
  return new Map(targets.map((t) => [t.name, medianOf(t, 'c16', (s) => s.cpuUsPerRequest)]));
}

/** One summary per profiled process (profileDir/<target slug>/*.cpuprofile), printed and written. */
function printProfiles(profileDir: string, outDir: string): void {
  const sections: string[] = [];
  for (const slug of readdirSync(profileDir).sort()) {
    const dir = join(profileDir, slug);
    const newest = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (!newest) {
      sections.push(`### ${slug}: no CPU profile was written (did it exit cleanly?)`);
      continue;
    }
    const summary = summarizeCpuProfile(JSON.parse(readFileSync(newest, 'utf8')) as CpuProfile, 20, repoRoot);
    sections.push([
      `### CPU profile, ${slug}: ${summary.busyMs.toFixed(0)} ms busy of ${summary.totalMs.toFixed(0)} ms`,
      '', `Profile: ${newest}`, '', 'Self time by area (share of busy time):', '',
      ...summary.areas.map((a) => `- ${(a.share * 100).toFixed(1)} % ${a.name} (${a.selfMs.toFixed(0)} ms)`),
      '', 'Hottest functions (self time):', '',
      ...summary.functions.map((f) => `- ${(f.share * 100).toFixed(1)} % ${f.name} (${f.selfMs.toFixed(0)} ms)`),
    ].join('\n'));
  }
  const text = `${sections.join('\n\n')}\n`;
  writeFileSync(join(outDir, 'profile.md'), text);
  process.stdout.write(`\n${text}\nWritten to .bench/profile.md\n`);
}

function installCleanup(registry: ChildRegistry, workDir: string): void {
  process.once('exit', () => {
    registry.killAllNow();
    rmSync(workDir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`bench: ${signal}, stopping children\n`);
      setTimeout(() => process.exit(130), 5_000).unref();
      void registry.stopAll().finally(() => process.exit(130));
    });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

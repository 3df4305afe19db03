// `switchboard logs [-n N] [-f]`: the last N requests from GET /spend/logs, oldest first, in the
// same line format as serve's pretty log (or as JSON lines); with -f it keeps polling and prints
// each request recorded after that once, until interrupted. Prints no bodies (JSON lines
// leave them out too): `logs` is for watching traffic, the dashboard's Logs view for reading it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ModelInfoList } from '../../shared/api/model-schemas.js';
import type { SpendLogRow, SpendLogsPage } from '../../shared/api/usage-schemas.js';
import { chooseLogFormat, type LogFormat } from './choose-log-format.js';
import type { CommandIO } from './command-io.js';
import type { Connection } from './connect-to-gateway.js';
import { formatRequestLine, type RequestLine } from './format-request-line.js';
import type { GatewayClient } from './gateway-client.js';

export const FOLLOW_POLL_MS = 1_000;
/** Rows fetched per poll while following: more than a local gateway records in a second. */
const FOLLOW_PAGE_SIZE = 200;
const MAX_REMEMBERED = 5_000;

export interface LogsOptions {
  follow: boolean;
  lines: number;
  logFormat: LogFormat | undefined;
  pollMs?: number;
}

export async function logsCommand({ client }: Connection, options: LogsOptions, io: CommandIO): Promise<number> {
  const format = chooseLogFormat(options.logFormat, io.stdoutIsTerminal);
  const deployments = deploymentNames(client);
  const seen = new Set<string>();
  const print = async (rows: SpendLogRow[]) => {
    const fresh = rows.filter((row) => !seen.has(row.request_id)).reverse();
    for (const row of fresh) {
      seen.add(row.request_id);
      io.out(`${format === 'json' ? JSON.stringify(withoutBodies(row)) : formatRequestLine(await toRequestLine(row, deployments))}\n`);
    }
    // Old ids can go: a row older than the newest page is never fetched again.
    if (seen.size > MAX_REMEMBERED) for (const id of [...seen].slice(0, seen.size - MAX_REMEMBERED)) seen.delete(id);
  };

  const first = await client.get<SpendLogsPage>(`/spend/logs?page_size=${Math.max(options.lines, options.follow ? FOLLOW_PAGE_SIZE : 1)}`);
  for (const row of first.data.slice(options.lines)) seen.add(row.request_id);
  await print(first.data.slice(0, options.lines));
  if (!options.follow) return 0;
  // On stderr, so stdout stays nothing but requests (a pipe into jq sees only JSON).
  io.err(`Following requests at ${client.url} (Ctrl-C to stop)\n`);

  while (!io.stop.aborted) {
    try {
      await sleep(options.pollMs ?? FOLLOW_POLL_MS, undefined, { signal: io.stop });
    } catch {
      break;
    }
    await print((await client.get<SpendLogsPage>(`/spend/logs?page_size=${FOLLOW_PAGE_SIZE}`)).data);
  }
  return 0;
}

/** `provider/upstream-model` per deployment id, as serve's log line names it; read once, again on an unknown id. */
function deploymentNames(client: GatewayClient): (id: string | null) => Promise<string | undefined> {
  let names: Promise<Map<string, string>> | undefined;
  const load = () => client.get<ModelInfoList>('/model/info').then(
    ({ data }) => new Map(data.map((entry) => [String((entry.model_info as { id?: unknown }).id), String(entry.litellm_params.model)])),
    () => new Map<string, string>(),
  );
  // An id still unknown after a fresh read (a deleted model) is not worth another read per row.
  const missing = new Set<string>();
  return async (id) => {
    if (id === null || missing.has(id)) return undefined;
    names ??= load();
    let found = (await names).get(id);
    if (found === undefined) {
      names = load();
      found = (await names).get(id);
      if (found === undefined) missing.add(id);
    }
    return found;
  };
}

async function toRequestLine(row: SpendLogRow, deployment: (id: string | null) => Promise<string | undefined>): Promise<RequestLine> {
  return {
    ts: Date.parse(row.startTime),
    app: row.app,
    model: row.requested_model,
    deployment: (await deployment(row.model_id)) ?? `${row.custom_llm_provider}/${row.model_group}`,
    status: row.status,
    httpStatus: row.http_status,
    errorCode: row.error_code,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    latencyMs: row.request_duration_ms,
    costMicros: row.spend_micros,
  };
}

function withoutBodies(row: SpendLogRow): Omit<SpendLogRow, 'request_body' | 'response_body'> {
  const { request_body: _request, response_body: _response, ...rest } = row;
  return rest;
}

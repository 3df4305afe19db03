// Turns one pino JSON line into the line a person reads in a terminal: the per-request line in
// the request format (format-request-line.ts), anything else as time, level, message and its
// fields. It only sees lines already redacted and masked by the logger, and adds nothing that
// was not in them; a line that is not pino JSON passes through unchanged.
import { REQUEST_LOG_MESSAGE, type RequestLogFields } from '../metering/request-log-fields.js';
import { clockTime, formatRequestLine } from './format-request-line.js';

const LEVELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** pino's own bookkeeping, not worth a reader's attention. */
const HIDDEN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId']);

export function formatLogLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return line;
    record = parsed as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof record.time === 'number' ? clockTime(record.time) : '--:--:--';
  const level = typeof record.level === 'number' ? (LEVELS[record.level] ?? String(record.level)) : 'INFO';
  if (record.msg === REQUEST_LOG_MESSAGE && isRequest(record.request)) return formatRequestLine(record.request);

  const parts = [time, level.padEnd(5), typeof record.msg === 'string' ? record.msg : ''];
  for (const [name, value] of Object.entries(record)) {
    if (HIDDEN_FIELDS.has(name) || value === undefined) continue;
    parts.push(`${name}=${describe(name, value)}`);
  }
  return parts.filter((part) => part !== '').join('  ');
}

function describe(name: string, value: unknown): string {
  // An error says what went wrong in its message; its stack is for `--log-format json`.
  if (name === 'err' && value !== null && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
    return JSON.stringify((value as { message: string }).message);
  }
  return typeof value === 'string' && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}

function isRequest(value: unknown): value is RequestLogFields {
  if (value === null || typeof value !== 'object') return false;
  const r = value as Record<string, unknown>;
  return typeof r.ts === 'number' && typeof r.app === 'string' && typeof r.model === 'string' && typeof r.deployment === 'string'
    && typeof r.httpStatus === 'number' && typeof r.latencyMs === 'number' && typeof r.costMicros === 'number'
    && typeof r.promptTokens === 'number' && typeof r.completionTokens === 'number';
}

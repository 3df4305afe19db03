// Which log format a command writes: what the user asked for (--log-format, then
// SWITCHBOARD_LOG_FORMAT), else pretty lines for a person at a terminal and JSON lines for
// anything else (a file, a pipe, a log collector), so a redirect never gets terminal text.
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function isLogFormat(value: string): value is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(value);
}

export function chooseLogFormat(requested: LogFormat | undefined, isTerminal: boolean): LogFormat {
  return requested ?? (isTerminal ? 'pretty' : 'json');
}

// callerAppName: the one rule that names the app a request is recorded under, from the key, the
// calling process (per-process attribution) and the User-Agent. Pure; used for every usage row
// (admitted, refused) by create-ledger-meter.ts. Precedence (docs/app-attribution.md):
//
//   1. a virtual key          -> its alias (else its id): the user named this app
//   2. a self-named app       -> the app (claude-code, codex, qwen-code, cline, ...: guessApp's
//      in the User-Agent,        SELF_NAMED_APPS), over any process: it is more specific than its
//      originator or X-Title     host (Cline inside VS Code) and agrees with its own process name
//   3. the calling process    -> its name (sync_notes.py, nightly-report.mjs, vscode, docker), over
//                                a library UA (openai-python, python-requests, curl), a product
//                                token, a browser or no UA at all
//      ... unless it is a bare interpreter (`python3 -c ...`, `node -e ...`): a library UA
//      (openai-python) says more than `python3`; with no library UA the interpreter's name stands
//   4. no process (not loopback, off, not found, another user's, timed out) -> guessApp as before
import type { CallerProcess } from '../attribution/caller-process.js';
import { guessApp, SELF_NAMED_APPS, type AppName, type RequestHeaders } from './guess-app.js';
import { isBareInterpreterName } from '../attribution/name-caller-process.js';

export interface CallerAppInput {
  /** The virtual key that made the request, if any. */
  key?: { id: string; alias: string | null } | null;
  userAgent: string | undefined;
  headers: RequestHeaders;
  /** The calling process once known; null or undefined when unknown. */
  caller: CallerProcess | null | undefined;
}

export function callerAppName(input: CallerAppInput): AppName {
  if (input.key) return input.key.alias ?? input.key.id;
  const fromUserAgent = guessApp(input.userAgent, input.headers);
  const caller = input.caller;
  if (caller == null) return fromUserAgent;
  if (SELF_NAMED_APPS.has(fromUserAgent)) return fromUserAgent;
  if (isBareInterpreterName(caller.name) && fromUserAgent !== 'unknown' && fromUserAgent !== 'browser') return fromUserAgent;
  return caller.name;
}

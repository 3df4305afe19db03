// Whether the gateway looks up the program behind each loopback connection (per-process
// attribution, main/attribution/): on by default where the OS has a lookup and the gateway
// listens on loopback; `general_settings.process_attribution: false` or
// SWITCHBOARD_PROCESS_ATTRIBUTION=0 turns it off, `true` turns it on for any bound address
// (only loopback peers are ever looked up).

export interface ProcessAttributionInput {
  generalSettings: Readonly<Record<string, unknown>>;
  env: NodeJS.ProcessEnv;
  /** The bound address (--host). */
  host: string;
  /** Whether this OS has a socket-owner lookup (hasSocketOwnerLookup()). */
  platformSupported: boolean;
}

const OFF = /^(0|false|no|off)$/i;
const ON = /^(1|true|yes|on)$/i;

export function processAttributionEnabled(input: ProcessAttributionInput): boolean {
  if (!input.platformSupported) return false;
  const fromEnv = input.env.SWITCHBOARD_PROCESS_ATTRIBUTION?.trim();
  if (fromEnv !== undefined && OFF.test(fromEnv)) return false;
  const configured = input.generalSettings.process_attribution;
  if (configured === false) return false;
  if (configured === true || (fromEnv !== undefined && ON.test(fromEnv))) return true;
  return isLoopbackHost(input.host);
}

function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

// Command-line options of `npm run soak -- [options]` (node:util parseArgs, strict). Pure; the
// defaults are the run the README's reliability figures come from.
import { parseArgs } from 'node:util';

export interface SoakOptions {
  streams: number;
  concurrency: number;
  /** Share of streams whose client hangs up mid-stream. */
  disconnect: number;
  kills: number;
  seed: number;
  help: boolean;
}

export const SOAK_USAGE = `Usage: npm run soak -- [options]

  --streams N        slow streams in the churn phase (default 5000)
  --concurrency N    streams in flight at once (default 500)
  --disconnect F     share of clients that hang up mid-stream, 0..1 (default 0.3)
  --kills N          SIGKILL / restart cycles in the crash phase (default 4)
  --seed N           seed of the random disconnects and kill points (default 1)
  --quick            1000 streams, 100 at once, 2 kills
  -h, --help         show this help

Starts the real CLI against a slow loopback upstream. Churn: every stream through one virtual
key (max_parallel_requests = concurrency, with a budget), then checks one usage row per
answered request, no leaked parallel slot, sockets back to their level, RSS over the run.
Crash: traffic through a budgeted key, SIGKILL after a random number of answers, restart on the
same database, audit. Writes the report to .bench/soak.md; exits 1 if any check fails.
`;

const DEFAULTS: SoakOptions = { streams: 5000, concurrency: 500, disconnect: 0.3, kills: 4, seed: 1, help: false };
const QUICK: Partial<SoakOptions> = { streams: 1000, concurrency: 100, kills: 2 };

export function parseSoakOptions(argv: readonly string[]): SoakOptions | { error: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        streams: { type: 'string' }, concurrency: { type: 'string' }, disconnect: { type: 'string' }, kills: { type: 'string' },
        seed: { type: 'string' }, quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const options: SoakOptions = { ...DEFAULTS, ...(values.quick ? QUICK : {}), help: values.help === true };
  const integers = [['streams', 1, 1_000_000], ['concurrency', 1, 5_000], ['kills', 0, 100], ['seed', 0, 2 ** 31]] as const;
  for (const [name, min, max] of integers) {
    const text = values[name];
    if (text === undefined) continue;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) return { error: `--${name} needs a whole number from ${min} to ${max}, got "${text}"` };
    options[name] = value;
  }
  if (values.disconnect !== undefined) {
    const share = Number(values.disconnect);
    if (!(share >= 0 && share <= 1)) return { error: `--disconnect needs a share from 0 to 1, got "${values.disconnect}"` };
    options.disconnect = share;
  }
  if (options.concurrency > options.streams) return { error: '--concurrency cannot exceed --streams' };
  return options;
}


// Command-line options of `npm run bench -- [options]`. Pure parsing; the defaults keep a full
// run within a few minutes on a 2-core machine.
export interface BenchOptions {
  rounds: number;
  /** Multiplies every load shape's request count (0.25 for a quick look). */
  scale: number;
  startupSamples: number;
  /** Run the gateway under --cpu-prof and print where its time goes. */
  profile: boolean;
  /** The per-stage CPU breakdown: a profiled pass per scenario after the measured rounds (on by default). */
  stages: boolean;
  /** Run the slow standalone measurements (the 1,000,000-row usage summary); off with --quick. */
  slow: boolean;
  help: boolean;
  /** Scenario slugs to load besides the baselines (direct, floor, plain gateway); all when absent. */
  only?: readonly string[];
}

export const BENCH_USAGE = `Usage: npm run bench -- [options]

  --rounds N     measured rounds, interleaved across targets (default 5)
  --quick        a quarter of the requests and 3 rounds (numbers are noisier), and no slow
                 measurements (the usage summary over 1,000,000 rows, ~15 s of seeding)
  --slow         run the slow measurements even with --quick
  --no-slow      skip the slow measurements in a full run
  --profile      run the floor proxy and every gateway scenario under node --cpu-prof and
                 summarise where each spends its CPU (written to .bench/profile.md)
  --no-stages    skip the per-stage CPU breakdown (a profiled pass per scenario after the
                 measured rounds, about 5 s per scenario; its table ends the report)
  --stages       run the breakdown (the default)
  --only A,B     load only these scenarios (slugs as in .bench/stage-profiles, e.g.
                 gateway-virtual-key) besides the direct, floor and plain gateway baselines:
                 a quick before/after of one change
  -h, --help     show this help

Loads the mock upstream directly, a minimal floor proxy, and the gateway three ways: master
key with one deployment; a virtual key (usage recorded under it); a two-deployment model
group. Writes the table to .bench/latest.md as well as to the terminal.
`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions | { error: string } {
  const options: BenchOptions = { rounds: 5, scale: 1, startupSamples: 5, profile: false, stages: true, slow: true, help: false };
  // --slow/--no-slow win over --quick wherever they stand.
  let slow: boolean | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') options.help = true;
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--stages') options.stages = true;
    else if (arg === '--no-stages') options.stages = false;
    else if (arg === '--slow') slow = true;
    else if (arg === '--no-slow') slow = false;
    else if (arg === '--quick') {
      options.scale = 0.25;
      options.rounds = 3;
      options.startupSamples = 3;
      options.slow = false;
    } else if (arg === '--rounds' || arg.startsWith('--rounds=')) {
      const text = arg.includes('=') ? arg.slice('--rounds='.length) : argv[++i];
      const rounds = Number(text);
      if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) return { error: `--rounds needs a whole number from 1 to 50, got "${text ?? ''}"` };
      options.rounds = rounds;
    } else if (arg === '--only' || arg.startsWith('--only=')) {
      const text = arg.includes('=') ? arg.slice('--only='.length) : argv[++i];
      const slugs = (text ?? '').split(',').map((slug) => slug.trim()).filter((slug) => slug.length > 0);
      if (slugs.length === 0) return { error: '--only needs scenario slugs separated by commas, e.g. --only gateway-virtual-key' };
      options.only = slugs;
    } else return { error: `unknown option "${arg}"` };
  }
  if (slow !== undefined) options.slow = slow;
  return options;
}

// Command-line options of `npm run bench -- [options]`. Pure parsing; the defaults keep a full
// run within a couple of minutes on a 2-core machine.
export interface BenchOptions {
  rounds: number;
  /** Multiplies every load shape's request count (0.25 for a quick look). */
  scale: number;
  startupSamples: number;
  /** Run the gateway under --cpu-prof and print where its time goes. */
  profile: boolean;
  help: boolean;
}

export const BENCH_USAGE = `Usage: npm run bench -- [options]

  --rounds N     measured rounds, interleaved across targets (default 5)
  --quick        a quarter of the requests and 3 rounds (numbers are noisier)
  --profile      run the floor proxy and the gateway under node --cpu-prof and summarise
                 where each spends its CPU (written to .bench/profile.md)
  -h, --help     show this help

Writes the table to .bench/latest.md as well as to the terminal.
`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions | { error: string } {
  const options: BenchOptions = { rounds: 5, scale: 1, startupSamples: 5, profile: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') options.help = true;
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--quick') {
      options.scale = 0.25;
      options.rounds = 3;
      options.startupSamples = 3;
    } else if (arg === '--rounds' || arg.startsWith('--rounds=')) {
      const text = arg.includes('=') ? arg.slice('--rounds='.length) : argv[++i];
      const rounds = Number(text);
      if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) return { error: `--rounds needs a whole number from 1 to 50, got "${text ?? ''}"` };
      options.rounds = rounds;
    } else return { error: `unknown option "${arg}"` };
  }
  return options;
}

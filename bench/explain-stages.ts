// `node dist/bench/explain-stages.js PROFILE.cpuprofile [stage] [top]`: what the per-stage
// breakdown put in each stage of one profile (the innermost three frames of each sample, most
// sampled first), to check a rule of stage-rules.ts or find what "other" holds. The bench keeps
// the last breakdown's profiles in .bench/stage-profiles/profiles/<scenario>/.
import { readFileSync } from 'node:fs';
import { framesByStage, type StageCpuProfile } from './attribute-profile-stages.js';
import { createFrameResolver } from './profile-frame-paths.js';

const [file, only, topText] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node dist/bench/explain-stages.js PROFILE.cpuprofile [stage] [top]\n');
  process.exit(2);
}
const top = Number(topText ?? 15);
const profile = JSON.parse(readFileSync(file, 'utf8')) as StageCpuProfile;
const stages = framesByStage(profile, createFrameResolver());
const total = [...stages.values()].reduce((sum, lines) => sum + [...lines.values()].reduce((a, b) => a + b, 0), 0);
for (const [stage, lines] of [...stages].sort((a, b) => sum(b[1]) - sum(a[1]))) {
  if (only !== undefined && stage !== only) continue;
  process.stdout.write(`\n${stage}: ${((sum(lines) / total) * 100).toFixed(1)} % of busy samples\n`);
  for (const [name, n] of [...lines].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${((n / total) * 100).toFixed(2)} %  ${name}\n`);
}

function sum(lines: Map<string, number>): number {
  return [...lines.values()].reduce((a, b) => a + b, 0);
}

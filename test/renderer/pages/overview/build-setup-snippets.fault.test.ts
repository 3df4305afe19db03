// Runs the Codex setup's catalog step as pasted: `sh -c` with a stand-in `codex` on PATH (spawns
// processes, so a fault test). What it writes is what Codex reads through model_catalog_json.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { buildSetupSnippet, shellQuote } from '../../../../renderer/src/pages/overview/build-setup-snippets.js';

const input = { origin: 'http://127.0.0.1:4141', key: 'sk-abc', model: 'fast' };

describe('the Codex catalog step, run in a shell against a stand-in for `codex debug models --bundled`', () => {
  let dir: string;
  // Two entries as Codex's bundled catalog has them (fields abridged): the freeform one is the template.
  const bundled = {
    models: [
      { slug: 'gpt-old', display_name: 'gpt-old', apply_patch_tool_type: 'function', shell_type: 'default', priority: 9 },
      { slug: 'gpt-5.5-codex', display_name: 'GPT-5.5-Codex', apply_patch_tool_type: 'freeform', shell_type: 'shell_command', base_instructions: 'You are Codex.', truncation_policy: { mode: 'tokens', limit: 10000 }, priority: 1 },
    ],
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-codex-'));
    writeFileSync(join(dir, 'bundled.json'), JSON.stringify(bundled));
    // A `codex` on PATH that answers `debug models --bundled` like the real one, and nothing else.
    writeFileSync(join(dir, 'codex'), `#!/bin/sh\n[ "$*" = "debug models --bundled" ] || exit 2\ncat ${shellQuote(join(dir, 'bundled.json'))}\n`);
    chmodSync(join(dir, 'codex'), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (model: string) => {
    const step = buildSetupSnippet('codex', { ...input, model }).steps![1]!;
    expect(step.language).toBe('shell');
    return execFileSync('sh', ['-c', step.code], { env: { PATH: `${dir}${delimiter}${process.env.PATH}`, CODEX_HOME: dir }, encoding: 'utf8' });
  };
  const catalog = () => JSON.parse(readFileSync(join(dir, 'switchboard-models.json'), 'utf8')) as { models: Record<string, unknown>[] };

  it('writes the freeform template under the model name and prints the config line', () => {
    const printed = run('qwen3-coder');
    expect(printed).toBe(`model_catalog_json = ${JSON.stringify(join(dir, 'switchboard-models.json'))}\n`);
    expect(catalog().models).toEqual([{ ...bundled.models[1], slug: 'qwen3-coder', display_name: 'qwen3-coder' }]);
  });

  it('keeps the entries of other models and replaces the same one, also for a name with quotes', () => {
    run('qwen3-coder');
    run("it's \"odd\"");
    run('qwen3-coder');
    expect(catalog().models.map((m) => m.slug)).toEqual(["it's \"odd\"", 'qwen3-coder']);
    expect(catalog().models.every((m) => m.apply_patch_tool_type === 'freeform')).toBe(true);
  });
});

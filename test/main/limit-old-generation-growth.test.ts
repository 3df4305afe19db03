import { describe, expect, it } from 'vitest';
import { limitOldGenerationGrowth, OLD_GENERATION_GROWTH_PERCENT } from '../../main/limit-old-generation-growth.js';

function fakeV8(execArgv: string[] = [], nodeOptions?: string) {
  const flags: string[] = [];
  const limited = () => limitOldGenerationGrowth({ execArgv, nodeOptions, setFlags: (f) => flags.push(f) });
  return { flags, limited };
}

describe('limitOldGenerationGrowth', () => {
  it('sets the growth factor', () => {
    const { flags, limited } = fakeV8(['--enable-source-maps'], '--no-warnings');
    expect(limited()).toBe(true);
    expect(flags).toEqual([`--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`]);
  });

  it("leaves an operator's own factor alone, in node's flags or NODE_OPTIONS, either spelling", () => {
    for (const [execArgv, nodeOptions] of [[['--heap-growing-percent=50'], undefined], [[], '--max-old-space-size=512 --heap_growing_percent=10']] as const) {
      const { flags, limited } = fakeV8([...execArgv], nodeOptions);
      expect(limited()).toBe(false);
      expect(flags).toEqual([]);
    }
  });
});

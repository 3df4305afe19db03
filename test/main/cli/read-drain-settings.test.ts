import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../main/core/config-error.js';
import { readDrainSettings } from '../../../main/cli/read-drain-settings.js';

describe('readDrainSettings', () => {
  it('drains for 5 s beyond loopback and not at all on loopback by default, with a 20 s grace: under Kubernetes\' 30 s', () => {
    expect(readDrainSettings({}, true)).toEqual({ drainDelayMs: 5_000, graceMs: 20_000 });
    expect(readDrainSettings({}, false)).toEqual({ drainDelayMs: 0, graceMs: 20_000 });
  });

  it('reads both from the environment in seconds, fractions included', () => {
    expect(readDrainSettings({ SWITCHBOARD_DRAIN_DELAY_SECONDS: '10', SWITCHBOARD_SHUTDOWN_GRACE_SECONDS: '2.5' }, false)).toEqual({ drainDelayMs: 10_000, graceMs: 2_500 });
    expect(readDrainSettings({ SWITCHBOARD_DRAIN_DELAY_SECONDS: ' ' }, true).drainDelayMs).toBe(5_000);
  });

  it.each(['-1', 'ten', '5s', '3601', 'Infinity'])('refuses %j naming the variable', (value) => {
    expect(() => readDrainSettings({ SWITCHBOARD_SHUTDOWN_GRACE_SECONDS: value }, true)).toThrow(ConfigError);
    expect(() => readDrainSettings({ SWITCHBOARD_SHUTDOWN_GRACE_SECONDS: value }, true)).toThrow(/^SWITCHBOARD_SHUTDOWN_GRACE_SECONDS: ".*" must be a number of seconds from 0 to 3600$/);
  });
});

import { describe, expect, it } from 'vitest';
import { processAttributionEnabled } from '../../../main/config/process-attribution-enabled.js';

describe('processAttributionEnabled', () => {
  it.each([
    [{}, {}, '127.0.0.1', true, true],
    [{}, {}, '::1', true, true],
    [{}, {}, 'localhost', true, true],
    [{}, {}, '0.0.0.0', true, false],
    [{ process_attribution: true }, {}, '0.0.0.0', true, true],
    [{ process_attribution: false }, {}, '127.0.0.1', true, false],
    [{}, { SWITCHBOARD_PROCESS_ATTRIBUTION: '0' }, '127.0.0.1', true, false],
    [{}, { SWITCHBOARD_PROCESS_ATTRIBUTION: 'false' }, '127.0.0.1', true, false],
    [{ process_attribution: true }, { SWITCHBOARD_PROCESS_ATTRIBUTION: '0' }, '127.0.0.1', true, false],
    [{}, { SWITCHBOARD_PROCESS_ATTRIBUTION: '1' }, '0.0.0.0', true, true],
    [{ process_attribution: true }, {}, '127.0.0.1', false, false],
  ])('settings %j, env %j, host %s, platform supported %s -> %s', (generalSettings, env, host, platformSupported, enabled) => {
    expect(processAttributionEnabled({ generalSettings, env, host, platformSupported })).toBe(enabled);
  });
});

import { describe, expect, it } from 'vitest';
import { createGatewaySettings, SETTING_KEYS } from '../../../main/config/gateway-settings.js';

function memory(initial: Record<string, unknown> = {}) {
  const values = new Map(Object.entries(initial));
  let fail = false;
  return {
    values,
    failNext: () => {
      fail = true;
    },
    get: (k: string) => values.get(k),
    set: (k: string, v: unknown) => {
      if (fail) {
        fail = false;
        throw new Error('database is busy');
      }
      values.set(k, v);
    },
  };
}

describe('createGatewaySettings', () => {
  it('defaults to 30 days, no body logging and no origins', () => {
    expect(createGatewaySettings(memory()).values()).toEqual({ retentionDays: 30, bodyLogging: false, allowedOrigins: [], ollamaKeyless: { allowWithoutKey: undefined, models: undefined } });
  });

  it('keeps keyless Ollama choices over the config file\'s, and reads hand-edited ones defensively', () => {
    const fromConfig = { allowWithoutKey: false, models: ['a'] };
    expect(createGatewaySettings(memory()).ollamaKeyless(fromConfig)).toEqual(fromConfig);
    const stored = createGatewaySettings(memory({ [SETTING_KEYS.ollamaAllowWithoutKey]: true, [SETTING_KEYS.ollamaModels]: ['b', 'b', 7, ''] }));
    expect(stored.ollamaKeyless(fromConfig)).toEqual({ allowWithoutKey: true, models: ['b'] });
    const bad = createGatewaySettings(memory({ [SETTING_KEYS.ollamaAllowWithoutKey]: 'yes', [SETTING_KEYS.ollamaModels]: 'b' }));
    expect(bad.ollamaKeyless(fromConfig)).toEqual(fromConfig);
  });

  it('reads stored values defensively: a hand-edited bad value falls back, bad origins are dropped', () => {
    const settings = createGatewaySettings(memory({ [SETTING_KEYS.retentionDays]: -3, [SETTING_KEYS.bodyLogging]: 'yes', [SETTING_KEYS.allowedOrigins]: ['http://ok:1', '*', 5, 'http://ok:1'] }));
    expect(settings.values()).toEqual({ retentionDays: 30, bodyLogging: false, allowedOrigins: ['http://ok:1'], ollamaKeyless: { allowWithoutKey: undefined, models: undefined } });
  });

  it('writes each change and returns the same origins array until the next change', () => {
    const storage = memory();
    const settings = createGatewaySettings(storage);
    const before = settings.allowedOrigins();
    expect(settings.allowedOrigins()).toBe(before);
    settings.update({ allowed_origins: ['http://a:1', 'http://a:1'], retention_days: 7 });
    expect(settings.allowedOrigins()).toEqual(['http://a:1']);
    expect(Object.isFrozen(settings.allowedOrigins())).toBe(true);
    expect(storage.values.get(SETTING_KEYS.allowedOrigins)).toEqual(['http://a:1']);
    expect(storage.values.get(SETTING_KEYS.retentionDays)).toBe(7);
    expect(settings.retentionDays()).toBe(7);
  });

  it('keeps the live value when storing fails', () => {
    const storage = memory();
    const settings = createGatewaySettings(storage);
    storage.failNext();
    expect(() => settings.update({ body_logging: true })).toThrow('busy');
    expect(settings.bodyLogging()).toBe(false);
  });
});

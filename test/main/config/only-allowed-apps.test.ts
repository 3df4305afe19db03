// general_settings.only_allowed_apps (issue 19 item 4): a known config key (a typo of it is not),
// off by default, and the dashboard's choice (POST /settings, persisted) overriding the file's,
// read per request.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../main/config/load-config.js';
import { createGatewaySettings } from '../../../main/config/gateway-settings.js';
import { onlyAllowedAppsOf } from '../../../main/config/only-allowed-apps.js';
import { createSettingsRepository } from '../../../main/storage/settings-repository.js';
import { openTempDatabase, type TempDatabase } from '../storage/storage-test-kit.js';

const yaml = (general: string) => `model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }\ngeneral_settings:\n${general}\n`;

let opened: TempDatabase | null = null;
afterEach(() => {
  opened?.dispose();
  opened = null;
});

describe('only_allowed_apps', () => {
  it('is a known general_settings key; a misspelt one stops the start naming it', () => {
    expect(parseConfigText(yaml('  only_allowed_apps: true'), 'c.yaml', {}).generalSettings.only_allowed_apps).toBe(true);
    expect(() => parseConfigText(yaml('  only_allowed_app: true'), 'c.yaml', {})).toThrow(/only_allowed_app.*only_allowed_apps/s);
    expect(() => parseConfigText(yaml('  only_allowed_apps: "yes"'), 'c.yaml', {})).toThrow(/only_allowed_apps/);
  });

  it('is off by default, follows the file, and the saved dashboard choice wins from then on', () => {
    opened = openTempDatabase();
    const storage = createSettingsRepository(opened.db);
    const settings = createGatewaySettings(storage);
    expect(onlyAllowedAppsOf(settings, {})()).toBe(false);
    const fromFile = onlyAllowedAppsOf(settings, { only_allowed_apps: true });
    expect(fromFile()).toBe(true);
    settings.update({ only_allowed_apps: false });
    expect(fromFile()).toBe(false);
    // Persisted: a restart reads the dashboard's choice.
    expect(onlyAllowedAppsOf(createGatewaySettings(storage), { only_allowed_apps: true })()).toBe(false);
  });
});

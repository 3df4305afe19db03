// general_settings.only_allowed_apps (issue 19 item 4) as it applies now: the dashboard's choice
// (POST /settings {"only_allowed_apps": …}) once saved, else the config file's, else off. Read per
// request by admission, so a toggle applies to the next request.
import type { GatewaySettings } from './gateway-settings.js';

export function onlyAllowedAppsOf(settings: GatewaySettings | undefined, generalSettings: Record<string, unknown>): () => boolean {
  const fromConfig = generalSettings.only_allowed_apps === true;
  return settings === undefined ? () => fromConfig : () => settings.onlyAllowedApps(fromConfig);
}

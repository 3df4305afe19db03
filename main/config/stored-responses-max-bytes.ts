// The total size cap of the Responses API's stored responses, from
// `general_settings.stored_responses_max_mb` (already checked positive by the config schema).
// Undefined means the store's default. Never reads anything but general_settings.

export function storedResponsesMaxBytes(generalSettings: Readonly<Record<string, unknown>>): number | undefined {
  const mb = generalSettings.stored_responses_max_mb;
  return typeof mb === 'number' ? Math.max(1, Math.floor(mb * 1024 * 1024)) : undefined;
}

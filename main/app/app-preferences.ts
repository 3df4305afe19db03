// The desktop app's own small preferences (the port chosen after a conflict, whether the first
// run has happened, whether a new app's first call is notified), as JSON in the data folder. Read defensively (a damaged or hand-edited file
// means defaults, never a crash); written atomically (temp file, then rename). Never holds a secret.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

export const PREFERENCES_FILE = 'preferences.json';

const preferencesSchema = z.object({
  port: z.number().int().min(1).max(65535).optional(),
  firstRunDone: z.boolean().optional(),
  /** "Notify when a new app calls" (tray menu); absent means on. */
  notifyNewApps: z.boolean().optional(),
});

export type AppPreferences = z.infer<typeof preferencesSchema>;

export function readPreferences(file: string): AppPreferences {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = preferencesSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function writePreferences(file: string, preferences: AppPreferences): void {
  const valid = preferencesSchema.parse(preferences);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

/** Whether a new app's first call is notified: on unless the user switched it off. */
export function notifiesNewApps(preferences: AppPreferences): boolean {
  return preferences.notifyNewApps !== false;
}

/** Reads, applies `change`, writes; returns the new preferences. */
export function updatePreferences(file: string, change: Partial<AppPreferences>): AppPreferences {
  const next = { ...readPreferences(file), ...change };
  writePreferences(file, next);
  return next;
}

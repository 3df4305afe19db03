// What a Settings card that saves with one button keeps the same way: busy while the gateway
// answers, the error of the last save, and "Saved." after one that worked. Each action tells the card
// focus first, so the card's notices show only while the user is acting in it; an edit clears both
// notices, because they were about the values submitted, not about the ones now in the form.
import { useState } from 'react';
import type { SettingsCardFocus } from './settings-card-focus.js';

export interface SettingsSave {
  busy: boolean;
  error: unknown;
  saved: boolean;
  /** Call on every change to the card's values. */
  edited: () => void;
  /** A value refused before anything is sent (shown like the gateway's own refusal). */
  refuse: (error: unknown) => void;
  /** Sends the card's values with `write`; then "Saved." and the card's onSaved, or the error. */
  save: (write: () => Promise<unknown>) => Promise<void>;
}

export function useSettingsSave(focus: SettingsCardFocus, onSaved: () => void): SettingsSave {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const edited = () => {
    focus.onAction();
    setSaved(false);
    setError(null);
  };
  const refuse = (e: unknown) => {
    edited();
    setError(e);
  };
  const save = async (write: () => Promise<unknown>) => {
    edited();
    setBusy(true);
    try {
      await write();
      setSaved(true);
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, saved, edited, refuse, save };
}

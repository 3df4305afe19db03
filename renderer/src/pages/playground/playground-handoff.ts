// How another page hands the playground a draft (Logs → "Open in playground"): the dashboard
// provides a function that stores the draft in memory and opens the page. Without a provider
// (a page rendered on its own) there is no handoff and the button is not offered.
import { createContext, useContext } from 'react';
import type { PlaygroundDraft } from './playground-draft.js';

export const PlaygroundHandoffContext = createContext<((draft: PlaygroundDraft) => void) | null>(null);

export function useOpenInPlayground(): ((draft: PlaygroundDraft) => void) | null {
  return useContext(PlaygroundHandoffContext);
}

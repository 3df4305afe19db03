// A small time-boxed cache of pending or settled lookups, keyed by string: the first caller starts
// the load and every caller within `ttlMs` shares its promise (failures too, so a stopped server
// is asked once per window, not once per listing). Never evicts on its own beyond the window.

export interface BriefCache<T> {
  get(key: string, load: () => Promise<T>): Promise<T>;
}

export function createBriefCache<T>(now: () => number, ttlMs: number): BriefCache<T> {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return {
    get(key, load) {
      const entry = entries.get(key);
      if (entry && now() - entry.at < ttlMs) return entry.value;
      const value = load();
      entries.set(key, { at: now(), value });
      return value;
    },
  };
}

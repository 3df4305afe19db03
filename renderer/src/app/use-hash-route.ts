// The page shown, from the URL fragment (#/models): bookmarkable, works with back/forward, and
// never makes a request to the server (the static route serves only /).
import { useEffect, useState } from 'react';

export const PAGES = ['overview', 'models', 'keys', 'teams', 'apps', 'usage', 'logs', 'playground', 'settings'] as const;
export type PageId = (typeof PAGES)[number];

export function pageFromHash(hash: string): PageId {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/, 1)[0] ?? '';
  return (PAGES as readonly string[]).includes(name) ? (name as PageId) : 'overview';
}

export function useHashRoute(): [PageId, (page: PageId) => void] {
  const [page, setPage] = useState<PageId>(() => pageFromHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setPage(pageFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const go = (next: PageId) => {
    window.location.hash = `#/${next}`;
  };
  return [page, go];
}

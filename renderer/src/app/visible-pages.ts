// The pages a viewer may open. A member's key reaches its own keys, usage and logs, the models it
// may call (read-only) and the playground; the gateway's settings are the admin's. A page the
// viewer may not open (a bookmark, a typed URL) shows its Overview instead.
import { PAGES, type PageId } from './use-hash-route.js';
import type { Viewer } from '../session/viewer.js';

const MEMBER_PAGES: readonly PageId[] = ['overview', 'models', 'keys', 'usage', 'logs', 'playground'];

export function visiblePages(viewer: Viewer): readonly PageId[] {
  return viewer.role === 'admin' ? PAGES : PAGES.filter((page) => MEMBER_PAGES.includes(page));
}

/** The page to show for the one the URL names. */
export function shownPage(viewer: Viewer, page: PageId): PageId {
  return visiblePages(viewer).includes(page) ? page : 'overview';
}

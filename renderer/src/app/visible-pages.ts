// The pages a viewer may open. A member's key reaches its own keys, usage and logs, the models it
// may call (read-only) and the playground, and a team admin's also Teams (the members of the teams
// it admins); the gateway's settings and the apps without keys (Apps) are the admin's. A page the
// viewer may not open (a bookmark, a typed URL) shows its Overview instead.
import { PAGES, type PageId } from './use-hash-route.js';
import { adminOfTeams, type Viewer } from '../session/viewer.js';

const MEMBER_PAGES: readonly PageId[] = ['overview', 'models', 'keys', 'usage', 'logs', 'playground'];

export function visiblePages(viewer: Viewer): readonly PageId[] {
  if (viewer.role === 'admin') return PAGES;
  const teamAdmin = adminOfTeams(viewer).length > 0;
  return PAGES.filter((page) => MEMBER_PAGES.includes(page) || (page === 'teams' && teamAdmin));
}

/** The page to show for the one the URL names. */
export function shownPage(viewer: Viewer, page: PageId): PageId {
  return visiblePages(viewer).includes(page) ? page : 'overview';
}

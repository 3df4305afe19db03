// The page links: real anchors (#/page), so they work with the keyboard, middle-click and
// back/forward; the current one is marked with aria-current. Only the pages the viewer may open.
import type { PageId } from './use-hash-route.js';

const LABELS: Record<PageId, string> = {
  overview: 'Overview',
  models: 'Models',
  keys: 'Keys',
  teams: 'Teams',
  apps: 'Apps',
  usage: 'Usage',
  logs: 'Logs',
  playground: 'Playground',
  settings: 'Settings',
};

export function NavBar({ current, pages }: { current: PageId; pages: readonly PageId[] }) {
  return (
    <nav aria-label="Pages" className="nav">
      <ul>
        {pages.map((page) => (
          <li key={page}>
            <a href={`#/${page}`} aria-current={page === current ? 'page' : undefined} className={page === current ? 'nav-link nav-current' : 'nav-link'}>
              {LABELS[page]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

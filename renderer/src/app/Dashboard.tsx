// The signed-in dashboard: header, navigation and the page the URL fragment names, as far as the
// viewer may open it (a member sees its own things: visible-pages.ts). Holds the
// cross-page state, in memory only: a key the user just created, offered to the setup snippets
// (gone on reload, as a shown-once key should be), and a draft on its way to the playground.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiClient } from '../api/create-api-client.js';
import { useHashRoute, type PageId } from './use-hash-route.js';
import { NavBar } from './NavBar.js';
import { OpenModeBanner } from './OpenModeBanner.js';
import { OverviewPage } from '../pages/overview/OverviewPage.js';
import { ModelsPage } from '../pages/models/ModelsPage.js';
import { KeysPage } from '../pages/keys/KeysPage.js';
import { TeamsPage } from '../pages/teams/TeamsPage.js';
import { AppsPage } from '../pages/apps/AppsPage.js';
import { UsagePage } from '../pages/usage/UsagePage.js';
import { LogsPage } from '../pages/logs/LogsPage.js';
import { SettingsPage } from '../pages/settings/SettingsPage.js';
import { PlaygroundPage } from '../pages/playground/PlaygroundPage.js';
import { PlaygroundHandoffContext } from '../pages/playground/playground-handoff.js';
import { MemberOverviewPage } from '../pages/overview/MemberOverviewPage.js';
import { MemberModelsPage } from '../pages/models/MemberModelsPage.js';
import { adminOfTeams, type Viewer } from '../session/viewer.js';
import { shownPage, visiblePages } from './visible-pages.js';
import type { PlaygroundDraft } from '../pages/playground/playground-draft.js';

export interface DashboardProps {
  api: ApiClient;
  desktop: boolean;
  canSignOut: boolean;
  /** Who signed in: the admin, or a member (its own key). */
  viewer: Viewer;
  onSignOut: () => void;
  /** "Require keys" or a rotation created this admin key (null: it was removed): the session carries on with it. */
  onAdminKeyRequired?: (adminKey: string | null) => void;
}

const TITLES: Record<PageId, string> = {
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

export function Dashboard({ api, desktop, canSignOut, viewer, onSignOut, onAdminKeyRequired }: DashboardProps) {
  const [asked, go] = useHashRoute();
  const page = shownPage(viewer, asked);
  const admin = viewer.role === 'admin';
  // One array per session, so the pages' loads keyed on it do not rerun on every render.
  const memberTeams = useMemo(() => (viewer.role === 'member' ? adminOfTeams(viewer) : undefined), [viewer]);
  const scoped = memberTeams ? { memberTeams } : {};
  const [recentKey, setRecentKey] = useState<string | null>(null);
  const [playgroundDraft, setPlaygroundDraft] = useState<PlaygroundDraft | null>(null);
  const openInPlayground = useCallback((draft: PlaygroundDraft) => {
    setPlaygroundDraft(draft);
    window.location.hash = '#/playground';
  }, []);
  const takePlaygroundDraft = useCallback(() => setPlaygroundDraft(null), []);
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  useEffect(() => {
    document.title = `${TITLES[page]} · Switchboard`;
    // Move focus to the new page's heading so screen readers announce the change.
    if (first.current) first.current = false;
    else heading.current?.focus();
  }, [page]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Switchboard
        </div>
        <NavBar current={page} pages={visiblePages(viewer)} />
        {viewer.role === 'member' ? <span className="topbar-viewer small">Signed in as {viewer.name}</span> : null}
        {canSignOut ? (
          <button type="button" className="button-small topbar-signout" onClick={onSignOut}>
            Sign out
          </button>
        ) : null}
      </header>
      {admin ? <OpenModeBanner api={api} onAdminKeyRequired={onAdminKeyRequired} /> : null}
      <main id="main" className="page">
        <h1 ref={heading} tabIndex={-1} className="page-title">
          {TITLES[page]}
        </h1>
        {page === 'overview' ? viewer.role === 'member' ? <MemberOverviewPage api={api} go={go} /> : <OverviewPage api={api} go={go} recentKey={recentKey} /> : null}
        {page === 'models' ? admin ? <ModelsPage api={api} /> : <MemberModelsPage api={api} /> : null}
        {page === 'keys' ? <KeysPage api={api} onKeyCreated={setRecentKey} go={go} {...scoped} /> : null}
        {page === 'teams' ? <TeamsPage api={api} {...scoped} /> : null}
        {page === 'apps' ? <AppsPage api={api} /> : null}
        {page === 'usage' ? <UsagePage api={api} {...scoped} /> : null}
        <PlaygroundHandoffContext.Provider value={openInPlayground}>{page === 'logs' ? <LogsPage api={api} go={go} admin={admin} {...scoped} /> : null}</PlaygroundHandoffContext.Provider>
        {page === 'playground' ? <PlaygroundPage api={api} draft={playgroundDraft} onDraftTaken={takePlaygroundDraft} admin={admin} /> : null}
        {page === 'settings' ? <SettingsPage api={api} desktop={desktop} onAdminKeyChanged={onAdminKeyRequired} /> : null}
      </main>
    </div>
  );
}

// The signed-in dashboard: header, navigation and the page the URL fragment names. Holds the
// cross-page state, in memory only: a key the user just created, offered to the setup snippets
// (gone on reload, as a shown-once key should be), and a draft on its way to the playground.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api/create-api-client.js';
import { useHashRoute, type PageId } from './use-hash-route.js';
import { NavBar } from './NavBar.js';
import { OpenModeBanner } from './OpenModeBanner.js';
import { OverviewPage } from '../pages/overview/OverviewPage.js';
import { ModelsPage } from '../pages/models/ModelsPage.js';
import { KeysPage } from '../pages/keys/KeysPage.js';
import { TeamsPage } from '../pages/teams/TeamsPage.js';
import { UsagePage } from '../pages/usage/UsagePage.js';
import { LogsPage } from '../pages/logs/LogsPage.js';
import { SettingsPage } from '../pages/settings/SettingsPage.js';
import { PlaygroundPage } from '../pages/playground/PlaygroundPage.js';
import { PlaygroundHandoffContext } from '../pages/playground/playground-handoff.js';
import type { PlaygroundDraft } from '../pages/playground/playground-draft.js';

export interface DashboardProps {
  api: ApiClient;
  desktop: boolean;
  canSignOut: boolean;
  onSignOut: () => void;
  /** "Require keys" or a rotation created this admin key (null: it was removed): the session carries on with it. */
  onAdminKeyRequired?: (adminKey: string | null) => void;
}

const TITLES: Record<PageId, string> = {
  overview: 'Overview',
  models: 'Models',
  keys: 'Keys',
  teams: 'Teams',
  usage: 'Usage',
  logs: 'Logs',
  playground: 'Playground',
  settings: 'Settings',
};

export function Dashboard({ api, desktop, canSignOut, onSignOut, onAdminKeyRequired }: DashboardProps) {
  const [page, go] = useHashRoute();
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
        <NavBar current={page} />
        {canSignOut ? (
          <button type="button" className="button-small topbar-signout" onClick={onSignOut}>
            Sign out
          </button>
        ) : null}
      </header>
      <OpenModeBanner api={api} onAdminKeyRequired={onAdminKeyRequired} />
      <main id="main" className="page">
        <h1 ref={heading} tabIndex={-1} className="page-title">
          {TITLES[page]}
        </h1>
        {page === 'overview' ? <OverviewPage api={api} go={go} recentKey={recentKey} /> : null}
        {page === 'models' ? <ModelsPage api={api} /> : null}
        {page === 'keys' ? <KeysPage api={api} onKeyCreated={setRecentKey} go={go} /> : null}
        {page === 'teams' ? <TeamsPage api={api} /> : null}
        {page === 'usage' ? <UsagePage api={api} /> : null}
        <PlaygroundHandoffContext.Provider value={openInPlayground}>{page === 'logs' ? <LogsPage api={api} go={go} /> : null}</PlaygroundHandoffContext.Provider>
        {page === 'playground' ? <PlaygroundPage api={api} draft={playgroundDraft} onDraftTaken={takePlaygroundDraft} /> : null}
        {page === 'settings' ? <SettingsPage api={api} desktop={desktop} onAdminKeyChanged={onAdminKeyRequired} /> : null}
      </main>
    </div>
  );
}

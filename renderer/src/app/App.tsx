// The dashboard root: asks for a key (the admin's or a member's own; or takes the Electron
// session), then shows the pages that key may see. Everything below talks to the gateway through the one API client the session made.
import { useSession, type SessionOptions } from '../session/use-session.js';
import { LoginPage } from '../session/LoginPage.js';
import { Dashboard } from './Dashboard.js';

export interface AppProps {
  session?: SessionOptions;
}

export function App({ session: sessionOptions }: AppProps) {
  const session = useSession(sessionOptions);
  const { state } = session;
  if (state.status === 'checking') {
    return (
      <main className="login">
        <p className="state state-loading" role="status">
          <span className="spinner" aria-hidden="true" />
          Connecting to Switchboard…
        </p>
      </main>
    );
  }
  if (state.status === 'signed-out') return <LoginPage error={state.error} onSignIn={session.signIn} />;
  return (
    <Dashboard api={state.api} desktop={state.desktop} viewer={state.viewer} canSignOut={state.adminKey !== null && !state.desktop} onSignOut={session.signOut} onAdminKeyRequired={session.adoptAdminKey} />
  );
}

// The Logs page's App filter in the URL fragment (#/logs?app=sync_notes.py): Usage and Apps link to
// one app's requests with it, and the filter chosen on the page is kept there, so it survives a
// reload and can be bookmarked. The fragment never reaches the server.

/** The link to one app's requests in Logs. */
export function logsOfApp(app: string): string {
  return `#/logs?${new URLSearchParams({ app }).toString()}`;
}

/** The app a Logs fragment names; '' for none (or a fragment of another page). */
export function appFromHash(hash: string): string {
  const match = /^#\/?logs\?(.*)$/.exec(hash);
  if (match === null) return '';
  return new URLSearchParams(match[1]).get('app') ?? '';
}

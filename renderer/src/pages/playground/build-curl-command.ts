// The curl command that sends one chat request to the gateway exactly as the playground sends it,
// with the key left as the $SWITCHBOARD_KEY variable: the clipboard never holds a key, and the
// same text works with an app's key, the admin key, or (open mode) none. POSIX shell quoting.

export const CURL_KEY_VARIABLE = 'SWITCHBOARD_KEY';

/** `url`: the full endpoint, e.g. http://127.0.0.1:4141/v1/chat/completions. */
export function buildCurlCommand(url: string, body: unknown): string {
  const json = JSON.stringify(body, null, 2);
  return [
    `curl -N ${shellQuote(url)}`,
    `  -H "Authorization: Bearer $${CURL_KEY_VARIABLE}"`,
    `  -H 'Content-Type: application/json'`,
    `  -d ${shellQuote(json)}`,
  ].join(' \\\n');
}

/** Single quotes keep everything literal ($, `, \, !); a single quote itself is closed, escaped and reopened. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

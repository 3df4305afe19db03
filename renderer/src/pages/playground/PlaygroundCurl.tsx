// "Copy as curl" for a chat request: the command shown read-only (so it can be read and checked)
// and copied as is; the key is always the $SWITCHBOARD_KEY variable, never a key's value.
import { useId } from 'react';
import { CopyButton } from '../../components/CopyButton.js';
import { buildCurlCommand, CURL_KEY_VARIABLE } from './build-curl-command.js';

/** The gateway's chat endpoint as seen from this page (the dashboard is served by the gateway). */
export function chatEndpoint(): string {
  return `${window.location.origin}/v1/chat/completions`;
}

/** `sent`: the request is the one last sent (else the one Send would send now). */
export function PlaygroundCurl({ request, sent }: { request: unknown; sent: boolean }) {
  const id = useId();
  if (request === null) {
    return <p className="muted small">Write a message to get the request as a curl command.</p>;
  }
  const command = buildCurlCommand(chatEndpoint(), request);
  return (
    <div className="playground-curl">
      <div className="actions">
        <CopyButton text={command} label="Copy as curl" caption="Copy as curl" />
        <span id={`${id}-curl-hint`} className="hint">
          {sent ? 'The last request' : 'The request Send would send'}, with the key left as ${CURL_KEY_VARIABLE}: set it first (export {CURL_KEY_VARIABLE}=sk-…); in open mode it may stay empty.
        </span>
      </div>
      <details>
        <summary>Show the curl command</summary>
        <label htmlFor={`${id}-curl`} className="visually-hidden">
          curl command
        </label>
        <textarea id={`${id}-curl`} className="code curl-command" readOnly rows={9} value={command} aria-describedby={`${id}-curl-hint`} />
      </details>
    </div>
  );
}

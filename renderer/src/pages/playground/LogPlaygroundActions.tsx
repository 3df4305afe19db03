// The playground's two actions on a logged request: "Open in playground" (its model, and its
// messages when body logging kept them) and "Copy as curl" (the stored chat body as sent, else
// the model with a test message). Offered only where the dashboard provides the handoff.
import { CopyButton } from '../../components/CopyButton.js';
import type { SpendLogRow } from '../../../../shared/api/usage-schemas.js';
import { buildChatRequest } from './build-chat-request.js';
import { buildCurlCommand } from './build-curl-command.js';
import { chatEndpoint } from './PlaygroundCurl.js';
import { draftFromLogRow } from './playground-draft.js';
import { useOpenInPlayground } from './playground-handoff.js';

export function LogPlaygroundActions({ row }: { row: SpendLogRow }) {
  const open = useOpenInPlayground();
  if (open === null) return null;
  const draft = draftFromLogRow(row);
  const hasMessages = draft.messages.length > 0;
  return (
    <div className="actions log-playground-actions">
      <button type="button" className="button-small" onClick={() => open(draft)}>
        Open in playground
      </button>
      <CopyButton text={buildCurlCommand(chatEndpoint(), curlBody(row, draft))} label="Copy as curl" caption="Copy as curl" />
      <span className="hint">{hasMessages ? 'With the messages body logging kept.' : 'No messages were kept for this request (body logging off): the model only, with a test message.'}</span>
    </div>
  );
}

/** The stored OpenAI chat body exactly, when there is one; otherwise the draft as a chat request. */
function curlBody(row: SpendLogRow, draft: ReturnType<typeof draftFromLogRow>): unknown {
  if (row.call_type.endsWith('/chat/completions') && typeof row.request_body === 'string') {
    try {
      const body: unknown = JSON.parse(row.request_body);
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body;
    } catch {
      // Cut off by the body cap: rebuilt from what could be read below.
    }
  }
  const messages = draft.messages.length > 0 ? draft.messages : [{ role: 'user' as const, content: 'Say hello.' }];
  try {
    return buildChatRequest(draft, messages);
  } catch {
    return buildChatRequest({ ...draft, maxTokens: '', temperature: '' }, messages);
  }
}

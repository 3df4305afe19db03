// The playground: chat with any model (or the active alias) as this dashboard's session or as an
// app's key pasted here, to check a model works or what a key may do. The answer streams in as
// text; after it, the tokens, the latency and the cost the gateway recorded. The pasted key is
// held in this page's memory only and sent to the gateway only; the curl text never contains it.
import { useEffect, useId, useRef, useState } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { buildChatRequest, ChatSettingsError, type ChatMessage, type ChatRequestBody } from './build-chat-request.js';
import { findRequestLog } from './find-request-log.js';
import { sendChatTurn, type ChatTurnResult } from './send-chat-turn.js';
import { PlaygroundCurl } from './PlaygroundCurl.js';
import { TurnStats, type TurnLog } from './TurnStats.js';
import type { PlaygroundDraft } from './playground-draft.js';
import { memberModelChoices } from './member-model-choices.js';

export interface PlaygroundPageProps {
  api: ApiClient;
  /** A draft handed over by another page (Logs → "Open in playground"), applied once. */
  draft: PlaygroundDraft | null;
  onDraftTaken: () => void;
  /** The admin's session (else a member's own key, which reads neither settings nor the active alias). */
  admin: boolean;
}

type KeyChoice = 'session' | 'pasted';

export function PlaygroundPage({ api, draft, onDraftTaken, admin }: PlaygroundPageProps) {
  const id = useId();
  // A member's key may not read the gateway's settings or active alias: it chooses among the
  // models it may call (the gateway lists only those to it), the first one preselected.
  const active = useApi(() => (admin ? api.activeModel() : api.listModels().then(memberModelChoices)), [api, admin]);
  const settings = useApi(() => (admin ? api.settings() : Promise.resolve(null)), [api, admin]);
  const [model, setModel] = useState(draft?.model ?? '');
  const [keyChoice, setKeyChoice] = useState<KeyChoice>('session');
  const [pastedKey, setPastedKey] = useState('');
  const [system, setSystem] = useState(draft?.system ?? '');
  const [maxTokens, setMaxTokens] = useState(draft?.maxTokens ?? '');
  const [temperature, setTemperature] = useState(draft?.temperature ?? '');
  const [messages, setMessages] = useState<ChatMessage[]>(draft?.messages ?? []);
  const [input, setInput] = useState('');
  const [pending, setPending] = useState<string | null>(null);
  const [result, setResult] = useState<ChatTurnResult | null>(null);
  const [log, setLog] = useState<TurnLog>({ status: 'none' });
  const [formError, setFormError] = useState<ChatSettingsError | Error | null>(null);
  const [lastRequest, setLastRequest] = useState<ChatRequestBody | null>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    if (draft) onDraftTaken();
    // Taken once, on arrival; later drafts arrive with a new mount of the page.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  // Leaving the page ends a running answer.
  useEffect(() => () => abort.current?.abort(), []);

  const alias = active.data?.alias ?? 'switchboard/active';
  const chosenModel = model === '' ? alias : model;
  const modelNames = active.data?.models ?? [];
  const streaming = pending !== null;
  const openMode = settings.data?.server.admin_key_set === false;

  const settingsNow = { model: chosenModel, system, maxTokens, temperature };
  /** What Send would send: the conversation plus the typed message, or as it is when it ends with a question (a logged request). */
  const nextTurn = (): ChatMessage[] | null => {
    const text = input.trim();
    if (text !== '') return [...messages, { role: 'user', content: text }];
    return messages.at(-1)?.role === 'user' ? messages : null;
  };
  const draftRequest = (): ChatRequestBody | null => {
    const history = nextTurn();
    if (history === null) return null;
    try {
      return buildChatRequest(settingsNow, history);
    } catch {
      return null;
    }
  };
  const curlRequest = lastRequest ?? draftRequest();
  const canSend = !streaming && nextTurn() !== null;

  const send = async () => {
    const text = input.trim();
    const history = nextTurn();
    if (history === null || streaming) return;
    setFormError(null);
    if (keyChoice === 'pasted' && pastedKey.trim() === '') {
      setFormError(new Error('Paste the key to send as, or choose this dashboard\'s session.'));
      return;
    }
    let body: ChatRequestBody;
    try {
      body = buildChatRequest(settingsNow, history);
    } catch (error) {
      setFormError(error as Error);
      return;
    }
    const key = keyChoice === 'pasted' ? pastedKey.trim() : undefined;
    const controller = new AbortController();
    abort.current = controller;
    const before = messages;
    setMessages(history);
    setInput('');
    setLastRequest(body);
    setResult(null);
    setLog({ status: 'none' });
    setPending('');
    const sentAt = Date.now();
    let answer = '';
    let outcome: ChatTurnResult;
    try {
      outcome = await sendChatTurn({
        send: (signal) => api.chatCompletion(body, { ...(key === undefined ? {} : { key }), signal }),
        signal: controller.signal,
        onText: (piece) => {
          answer += piece;
          setPending(answer);
        },
        now: () => performance.now(),
      });
    } catch (error) {
      setPending(null);
      setMessages(before);
      setInput(text);
      setFormError(error as Error);
      return;
    } finally {
      if (abort.current === controller) abort.current = null;
    }
    setPending(null);
    setResult(outcome);
    if (outcome.kind === 'refused') {
      // Nothing was said: the message goes back to the box, to try again with another key or model.
      setMessages(before);
      setInput(text);
    } else if (answer !== '') {
      setMessages([...history, { role: 'assistant', content: answer }]);
    }
    if (outcome.kind !== 'refused' && outcome.requestId !== null) {
      setLog({ status: 'loading' });
      try {
        const row = await findRequestLog(api, outcome.requestId, sentAt);
        setLog(row ? { status: 'found', row } : { status: 'missing' });
      } catch {
        setLog({ status: 'missing' });
      }
    }
  };

  // Not while an answer streams (Stop first): the answer would land in the cleared conversation.
  const clear = () => {
    setMessages([]);
    setResult(null);
    setLog({ status: 'none' });
    setLastRequest(null);
    setFormError(null);
  };

  const fieldError = formError instanceof ChatSettingsError ? formError : null;
  // A refusal or a settings error is about the model, key and settings it was sent with: once one
  // of them changes it no longer applies. An answer's stats stay: they are about the turn shown.
  const setup = <T,>(set: (value: T) => void) => (value: T) => {
    setFormError(null);
    setResult((r) => (r?.kind === 'refused' ? null : r));
    set(value);
  };

  return (
    <div className="stack playground">
      <section className="card" aria-labelledby={`${id}-setup`}>
        <h2 id={`${id}-setup`}>Model and key</h2>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`${id}-model`}>Model</label>
            <select id={`${id}-model`} value={chosenModel} onChange={(e) => setup(setModel)(e.target.value)} disabled={streaming}>
              <option value={alias}>
                {alias}
                {admin && active.data?.model ? ` (now ${active.data.model})` : ''}
              </option>
              {modelNames.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
              {chosenModel !== alias && !modelNames.includes(chosenModel) ? <option value={chosenModel}>{chosenModel} (not configured)</option> : null}
            </select>
            {active.status === 'error' ? <span className="field-error">Could not load the models: {active.error?.message}</span> : null}
          </div>
          <div className="field">
            <label htmlFor={`${id}-key`}>Send as</label>
            <select id={`${id}-key`} value={keyChoice} onChange={(e) => setup(setKeyChoice)(e.target.value as KeyChoice)} disabled={streaming}>
              <option value="session">{openMode ? 'No key (the gateway is open)' : admin ? 'The admin key of this session' : 'Your key (this session)'}</option>
              <option value="pasted">An app's key (paste it)</option>
            </select>
          </div>
          {keyChoice === 'pasted' ? (
            <div className="field">
              <label htmlFor={`${id}-pasted`}>App key</label>
              <input
                id={`${id}-pasted`}
                type="password"
                autoComplete="off"
                spellCheck={false}
                value={pastedKey}
                onChange={(e) => setup(setPastedKey)(e.target.value)}
                aria-describedby={`${id}-pasted-hint`}
                disabled={streaming}
              />
              <span id={`${id}-pasted-hint`} className="hint">
                Kept in this page only; requests then get exactly what this key may do.
              </span>
            </div>
          ) : null}
          <div className="field field-narrow">
            <label htmlFor={`${id}-max`}>Max tokens</label>
            <input id={`${id}-max`} inputMode="numeric" value={maxTokens} onChange={(e) => setup(setMaxTokens)(e.target.value)} placeholder="model default" aria-invalid={fieldError?.field === 'maxTokens' || undefined} />
          </div>
          <div className="field field-narrow">
            <label htmlFor={`${id}-temperature`}>Temperature</label>
            <input id={`${id}-temperature`} inputMode="decimal" value={temperature} onChange={(e) => setup(setTemperature)(e.target.value)} placeholder="model default" aria-invalid={fieldError?.field === 'temperature' || undefined} />
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-system`}>System prompt (optional)</label>
          <textarea id={`${id}-system`} rows={2} value={system} onChange={(e) => setup(setSystem)(e.target.value)} />
        </div>
      </section>

      <section className="card" aria-labelledby={`${id}-chat`}>
        <h2 id={`${id}-chat`}>Chat</h2>
        <div className="chat-log" role="log" aria-live="polite" aria-label="Conversation">
          {messages.length === 0 && !streaming ? <p className="muted small">No messages yet. Write one below and send it.</p> : null}
          {messages.map((message, index) => (
            <div key={index} className={`chat-message chat-${message.role}`}>
              <span className="chat-role">{message.role === 'user' ? 'You' : 'Assistant'}</span>
              <div className="chat-text">{message.content}</div>
            </div>
          ))}
          {streaming ? (
            <div className="chat-message chat-assistant" aria-busy="true">
              <span className="chat-role">Assistant</span>
              <div className="chat-text" data-testid="streaming-answer">
                {pending === '' ? <span className="muted">Waiting for the first token…</span> : pending}
              </div>
            </div>
          ) : null}
        </div>
        {result ? <TurnOutcome result={result} /> : null}
        {result && result.kind !== 'refused' ? <TurnStats result={result} log={log} /> : null}
        {formError ? <ErrorNotice error={formError} /> : null}
        <form
          className="chat-compose"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <div className="field field-grow">
            <label htmlFor={`${id}-message`}>Message</label>
            <textarea
              id={`${id}-message`}
              rows={3}
              value={input}
              onChange={(e) => setInput(e.target.value)}
              aria-describedby={`${id}-message-hint`}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  void send();
                }
              }}
            />
            <span id={`${id}-message-hint`} className="hint">
              Ctrl+Enter (⌘+Enter on a Mac) sends.
            </span>
          </div>
          <div className="actions">
            <button type="submit" className="button-primary" disabled={!canSend}>
              Send
            </button>
            {streaming ? (
              <button type="button" onClick={() => abort.current?.abort()}>
                Stop
              </button>
            ) : null}
            <button type="button" onClick={clear} disabled={streaming || (messages.length === 0 && result === null)}>
              Clear
            </button>
          </div>
        </form>
        <PlaygroundCurl request={curlRequest} sent={lastRequest !== null} />
      </section>
    </div>
  );
}

function TurnOutcome({ result }: { result: ChatTurnResult }) {
  if (result.kind === 'refused') {
    return (
      <div className="notice notice-error" role="alert">
        <span>
          The gateway refused this request (HTTP {result.status}
          {result.code ? `, ${result.code}` : ''}): {result.message}
        </span>
      </div>
    );
  }
  if (result.streamError !== null) {
    return (
      <div className="notice notice-error" role="alert">
        <span>The answer ended with an error: {result.streamError}</span>
      </div>
    );
  }
  if (result.kind === 'stopped') return <p className="muted small" role="status">Stopped. The text that arrived before Stop is kept.</p>;
  return null;
}

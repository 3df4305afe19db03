// Storing a finished response as the POST /v1/responses route does before response.completed:
// only when the request did not say store: false, with what a follow-up needs, so a follow-up
// sent at once continues it; a response that cannot be stored is logged by id, never by content.
import { afterEach, describe, expect, it } from 'vitest';
import { expandPreviousResponse } from '../../../../main/gateway/stored-responses/expand-previous-response.js';
import { rememberResponse } from '../../../../main/gateway/stored-responses/remember-response.js';
import { createResponseStore, type ResponseStore } from '../../../../main/storage/response-store.js';
import { StorageError } from '../../../../main/storage/storage-error.js';
import { captureLog, openTempDatabase, type TempDatabase } from '../../storage/storage-test-kit.js';

const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const answer = (id: string, text: string) => ({
  id, object: 'response', status: 'completed', model: 'qwen3:8b',
  output: [{ type: 'message', id: `msg_${id}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] }],
});

let db: TempDatabase | null = null;
afterEach(() => {
  db?.dispose();
  db = null;
});

function openStore(maxResponseBytes?: number): ResponseStore {
  db = openTempDatabase();
  return createResponseStore(db.db, { clock: db.clock, ...(maxResponseBytes ? { maxResponseBytes } : {}) });
}

describe('rememberResponse', () => {
  it.each([[{}, 'stored'], [{ store: true }, 'stored'], [{ store: false }, 'not_requested']] as const)('with %j: %s', (fields, outcome) => {
    const store = openStore();
    const log = captureLog();
    expect(rememberResponse(store, log, { owner: 'key_a', request: { model: 'qwen', input: 'hi', ...fields }, input: [user('hi')], response: answer('resp_1', 'hello') })).toBe(outcome);
    expect(store.get('resp_1', 'key_a') !== undefined).toBe(outcome === 'stored');
    expect(log.lines).toEqual([]);
  });

  it('stores what a follow-up sent at once continues from: its own input, the output and the link', () => {
    const store = openStore();
    const log = captureLog();
    rememberResponse(store, log, { owner: 'key_a', request: { model: 'qwen', instructions: 'Be terse.' }, input: [user('first')], response: answer('resp_1', 'one') });
    const second = expandPreviousResponse(store, 'key_a', { previous_response_id: 'resp_1' }, [user('second')]);
    rememberResponse(store, log, { owner: 'key_a', request: { model: 'qwen', previous_response_id: 'resp_1' }, input: [user('second')], response: answer('resp_2', 'two') });
    expect(second.input).toEqual([user('first'), answer('resp_1', 'one').output[0], user('second')]);
    expect(expandPreviousResponse(store, 'key_a', { previous_response_id: 'resp_2' }, []).input).toEqual([
      user('first'), answer('resp_1', 'one').output[0], user('second'), answer('resp_2', 'two').output[0],
    ]);
    expect(db!.db.prepare('SELECT model, instructions, previous_response_id FROM stored_responses ORDER BY id').all()).toEqual([
      { model: 'qwen', instructions: 'Be terse.', previous_response_id: null },
      { model: 'qwen', instructions: null, previous_response_id: 'resp_1' },
    ]);
  });

  it('logs a response over the cap by id only, and the store is unchanged', () => {
    const store = openStore(2_048);
    const log = captureLog();
    const secretText = `private conversation ${'x'.repeat(3_000)}`;
    expect(rememberResponse(store, log, { owner: null, request: { model: 'm' }, input: [user(secretText)], response: answer('resp_big', 'ok') })).toBe('too_large');
    expect(store.totalBytes()).toBe(0);
    expect(log.lines).toEqual([expect.objectContaining({ level: 'warn', obj: { responseId: 'resp_big' } })]);
    expect(JSON.stringify(log.lines)).not.toContain('private conversation');
  });

  it('turns a storage failure into a warning (the answer is complete), and lets any other error through', () => {
    const store = openStore();
    const log = captureLog();
    const full: ResponseStore = { ...store, save: () => { throw new StorageError('storage_full', 'The disk is full'); } };
    expect(rememberResponse(full, log, { owner: null, request: { model: 'm' }, input: [], response: answer('resp_1', 'ok') })).toBe('failed');
    expect(log.lines).toEqual([expect.objectContaining({ level: 'warn', obj: { responseId: 'resp_1', code: 'storage_full' } })]);
    const broken: ResponseStore = { ...store, save: () => { throw new TypeError('a bug'); } };
    expect(() => rememberResponse(broken, log, { owner: null, request: { model: 'm' }, input: [], response: answer('resp_1', 'ok') })).toThrow(TypeError);
  });
});

// Team mode's response store answers with Promises: the request path stores a finished response
// without waiting (the answer goes on), and a follow-up sent at once to the same replica must still
// find it. readYourSaves makes a chain lookup wait for a save of that id still in flight; a failed
// save is logged, never an unhandled rejection.
import { afterEach, describe, expect, it } from 'vitest';
import { expandPreviousResponse } from '../../../../main/gateway/stored-responses/expand-previous-response.js';
import { readYourSaves } from '../../../../main/gateway/stored-responses/read-your-saves.js';
import { rememberResponse } from '../../../../main/gateway/stored-responses/remember-response.js';
import { createResponseStore, type ResponseStore } from '../../../../main/storage/response-store.js';
import { StorageError } from '../../../../main/storage/storage-error.js';
import { captureLog, openTempDatabase, type TempDatabase } from '../../storage/storage-test-kit.js';

const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const answer = (id: string, text: string) => ({
  id, object: 'response', status: 'completed', model: 'm',
  output: [{ type: 'message', id: `msg_${id}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] }],
});

let db: TempDatabase | null = null;
afterEach(() => {
  db?.dispose();
  db = null;
});

/** The SQLite store made asynchronous, like a remote database: a write lands after `delayMs`, a read after 1 ms. */
function slowAsyncStore(delayMs: number, failSaves = false) {
  db = openTempDatabase();
  const store: ResponseStore = createResponseStore(db.db, { clock: db.clock });
  const later = <T>(work: () => T, ms = delayMs) => new Promise<T>((resolve, reject) => setTimeout(() => {
    try {
      resolve(work());
    } catch (error) {
      reject(error);
    }
  }, ms));
  return {
    save: (response: Parameters<ResponseStore['save']>[0]) => later(() => {
      if (failSaves) throw new StorageError('storage_unavailable', 'Cannot use the PostgreSQL database postgresql://u:****@db/x: connection refused');
      return store.save(response);
    }),
    chain: (id: string, owner: string | null) => later(() => store.chain(id, owner), 1),
    get: (id: string, owner: string | null) => Promise.resolve(store.get(id, owner)),
  };
}

describe('readYourSaves over an asynchronous store', () => {
  it('lets a follow-up sent before the save lands continue the response', async () => {
    const store = readYourSaves(slowAsyncStore(30));
    const log = captureLog();
    const saving = rememberResponse(store, log, { owner: 'key_a', request: { model: 'm' }, input: [user('first')], response: answer('resp_1', 'one') });
    expect(saving).toBeInstanceOf(Promise);
    // Sent the moment response.completed went out, before the write committed.
    const expanded = await expandPreviousResponse(store, 'key_a', { previous_response_id: 'resp_1' }, [user('second')]);
    expect(expanded.input).toEqual([user('first'), answer('resp_1', 'one').output[0], user('second')]);
    expect(await saving).toBe('stored');
    expect(await store.get('resp_1', 'key_a')).toBeDefined();
  });

  it('without it, the same follow-up misses the response (why the wrapper exists)', async () => {
    const store = slowAsyncStore(30);
    void rememberResponse(store, captureLog(), { owner: 'key_a', request: { model: 'm' }, input: [user('first')], response: answer('resp_1', 'one') });
    await expect(expandPreviousResponse(store, 'key_a', { previous_response_id: 'resp_1' }, [user('second')])).rejects.toMatchObject({ code: 'previous_response_not_found' });
  });

  it("logs a failed save by id (never rejecting) and the follow-up gets previous_response_not_found, another owner's id too", async () => {
    const store = readYourSaves(slowAsyncStore(5, true));
    const log = captureLog();
    const saving = rememberResponse(store, log, { owner: 'key_a', request: { model: 'm' }, input: [user('first')], response: answer('resp_1', 'one') });
    await expect(expandPreviousResponse(store, 'key_a', { previous_response_id: 'resp_1' }, [])).rejects.toMatchObject({ code: 'previous_response_not_found' });
    expect(await saving).toBe('failed');
    expect(JSON.stringify(log.lines)).toContain('resp_1');
    expect(JSON.stringify(log.lines)).not.toContain('first');
    await expect(expandPreviousResponse(store, 'key_b', { previous_response_id: 'resp_1' }, [])).rejects.toMatchObject({ code: 'previous_response_not_found' });
  });
});

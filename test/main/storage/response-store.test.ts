// The response store on a real SQLite file: a stored response is read, deleted and continued only
// by the key that made it; a conversation comes back oldest first, bounded and loop-safe; age and
// the byte caps bound the table, and one response over its cap is simply not stored.
import { afterEach, describe, expect, it } from 'vitest';
import { createResponseStore, type ResponseStoreOptions, type ResponseToStore } from '../../../main/storage/response-store.js';
import { openTempDatabase, type TempDatabase } from './storage-test-kit.js';

const DAY = 86_400_000;
let db: TempDatabase | null = null;
afterEach(() => {
  db?.dispose();
  db = null;
});

function open(options: Partial<ResponseStoreOptions> = {}) {
  db = openTempDatabase();
  return createResponseStore(db.db, { clock: db.clock, ...options });
}

const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const assistant = (text: string) => ({ type: 'message', role: 'assistant', id: `msg_${text}`, status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] });

function response(id: string, fields: Partial<ResponseToStore> = {}, reply = `answer-${id}`): ResponseToStore {
  return {
    id, owner: 'key_a', model: 'qwen3', previousResponseId: null, instructions: null, input: [user(`question-${id}`)],
    response: { id, object: 'response', created_at: 1_773_000_000, model: 'qwen3', status: 'completed', output: [assistant(reply)], usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 } },
    ...fields,
  };
}

describe('response store', () => {
  it('returns a stored response object as it was given, and forgets it once deleted', () => {
    const store = open();
    const saved = response('resp_1');
    expect(store.save(saved)).toBe('stored');
    expect(JSON.parse(store.get('resp_1', 'key_a')!)).toEqual(saved.response);
    expect(store.delete('resp_1', 'key_a')).toBe(true);
    expect(store.get('resp_1', 'key_a')).toBeUndefined();
    expect(store.delete('resp_1', 'key_a')).toBe(false);
    expect(store.totalBytes()).toBe(0);
  });

  it('never shows, deletes or continues another owner response, the admin key included', () => {
    const store = open();
    store.save(response('resp_a'));
    store.save(response('resp_admin', { owner: null }));
    expect(store.get('resp_a', 'key_b')).toBeUndefined();
    expect(store.get('resp_a', null)).toBeUndefined();
    expect(store.get('resp_admin', 'key_a')).toBeUndefined();
    expect(store.get('resp_admin', null)).toBeDefined();
    expect(store.chain('resp_a', 'key_b')).toBeUndefined();
    expect(store.delete('resp_a', 'key_b')).toBe(false);
    expect(store.delete('resp_admin', 'key_a')).toBe(false);
    expect(store.get('resp_a', 'key_a')).toBeDefined();
  });

  it('never overwrites an existing id, whoever saves it again', () => {
    const store = open();
    store.save(response('resp_1'));
    expect(store.save(response('resp_1', { owner: 'key_b' }, 'hijacked'))).toBe('duplicate');
    expect(store.get('resp_1', 'key_b')).toBeUndefined();
    expect(JSON.parse(store.get('resp_1', 'key_a')!).output[0].content[0].text).toBe('answer-resp_1');
  });

  it('returns a conversation as each response input then output, oldest first, without instructions', () => {
    const store = open();
    store.save(response('resp_1', { instructions: 'Be terse.' }));
    store.save(response('resp_2', { previousResponseId: 'resp_1', instructions: 'Be verbose.' }));
    store.save(response('resp_3', { previousResponseId: 'resp_2', input: [user('q3a'), user('q3b')] }));
    expect(store.chain('resp_3', 'key_a')).toEqual({
      items: [user('question-resp_1'), assistant('answer-resp_1'), user('question-resp_2'), assistant('answer-resp_2'), user('q3a'), user('q3b'), assistant('answer-resp_3')],
      responses: 3,
      truncated: false,
    });
    expect(store.chain('resp_1', 'key_a')).toEqual({ items: [user('question-resp_1'), assistant('answer-resp_1')], responses: 1, truncated: false });
    expect(store.chain('resp_unknown', 'key_a')).toBeUndefined();
  });

  it('keeps the newest responses of a conversation longer than the depth bound', () => {
    const store = open({ maxChainDepth: 3 });
    for (let i = 1; i <= 5; i++) store.save(response(`resp_${i}`, { previousResponseId: i === 1 ? null : `resp_${i - 1}` }));
    const chain = store.chain('resp_5', 'key_a')!;
    expect(chain).toMatchObject({ responses: 3, truncated: true });
    expect(chain.items[0]).toEqual(user('question-resp_3'));
    expect(chain.items.at(-1)).toEqual(assistant('answer-resp_5'));
  });

  it('stops at a loop in the links instead of walking it forever', () => {
    const store = open();
    store.save(response('resp_a', { previousResponseId: 'resp_b' }));
    store.save(response('resp_b', { previousResponseId: 'resp_a' }));
    expect(store.chain('resp_a', 'key_a')).toEqual({
      items: [user('question-resp_b'), assistant('answer-resp_b'), user('question-resp_a'), assistant('answer-resp_a')],
      responses: 2,
      truncated: true,
    });
  });

  it('starts the history after a missing link, and never follows a link into another owner response', () => {
    const store = open();
    store.save(response('resp_1'));
    store.save(response('resp_2', { previousResponseId: 'resp_1' }));
    store.save(response('resp_b', { owner: 'key_b', previousResponseId: 'resp_2' }));
    expect(store.chain('resp_b', 'key_b')).toEqual({ items: [user('question-resp_b'), assistant('answer-resp_b')], responses: 1, truncated: true });
    store.delete('resp_1', 'key_a');
    expect(store.chain('resp_2', 'key_a')).toEqual({ items: [user('question-resp_2'), assistant('answer-resp_2')], responses: 1, truncated: true });
  });

  it('prunes responses stored before the cutoff, oldest first, in batches', () => {
    const store = open({ pruneBatch: 2 });
    for (let i = 1; i <= 5; i++) store.save(response(`resp_old_${i}`));
    db!.clock.advance(2 * DAY);
    store.save(response('resp_new'));
    const before = store.totalBytes();
    expect(store.prune(db!.clock.now() - DAY)).toBe(5);
    expect(store.get('resp_old_5', 'key_a')).toBeUndefined();
    expect(store.get('resp_new', 'key_a')).toBeDefined();
    expect(store.totalBytes()).toBeLessThan(before);
    expect(store.totalBytes()).toBe(db!.db.prepare<[], { n: number }>('SELECT sum(bytes) AS n FROM stored_responses').get()!.n);
    expect(store.prune(db!.clock.now() - DAY)).toBe(0);
  });

  it('drops the oldest responses once the total cap is passed, and keeps the total within it', () => {
    const probe = open();
    probe.save(response('resp_probe'));
    const one = probe.totalBytes();
    db!.dispose();
    const store = open({ maxStoredBytes: one * 3 });
    for (let i = 1; i <= 5; i++) {
      store.save(response(`resp_${i}`));
      db!.clock.advance(1_000);
    }
    expect(store.totalBytes()).toBeLessThanOrEqual(one * 3);
    expect(['resp_1', 'resp_2', 'resp_3', 'resp_4', 'resp_5'].map((id) => store.get(id, 'key_a') !== undefined)).toEqual([false, false, true, true, true]);
  });

  it('does not store one response over the per-response cap, and keeps what was stored', () => {
    const store = open({ maxResponseBytes: 4_096 });
    store.save(response('resp_small'));
    const held = store.totalBytes();
    expect(store.save(response('resp_big', { input: [user('x'.repeat(5_000))] }))).toBe('too_large');
    expect(store.get('resp_big', 'key_a')).toBeUndefined();
    expect(store.totalBytes()).toBe(held);
    expect(store.get('resp_small', 'key_a')).toBeDefined();
  });

  it('counts instructions and multi-byte text in bytes, not characters', () => {
    const store = open({ maxResponseBytes: 4_096 });
    // 1,500 three-byte characters: 1,500 characters but 4,500 bytes.
    expect(store.save(response('resp_wide', { instructions: '€'.repeat(1_500) }))).toBe('too_large');
  });

  it('returns a conversation of 300,000 items (more than a call takes arguments)', () => {
    const store = open();
    const many = Array.from({ length: 150_000 }, (_, i) => ({ type: 'function_call_output', call_id: String(i) }));
    store.save(response('resp_1', { input: many }));
    store.save(response('resp_2', { previousResponseId: 'resp_1', input: many }));
    const chain = store.chain('resp_2', 'key_a')!;
    expect(chain.items).toHaveLength(300_002);
    expect(chain.items[150_000]).toEqual(assistant('answer-resp_1'));
    // About 1 s alone; minutes' worth of JSON on a 2-core machine busy with other test files.
  }, 30_000);

  it('stores conversation text only after the redactor masked it, as valid JSON', () => {
    const store = open({ redact: (text) => text.replaceAll('sk-live-secret-0123456789', '[redacted]') });
    store.save(response('resp_1', { instructions: 'key sk-live-secret-0123456789', input: [user('my key is sk-live-secret-0123456789')] }, 'echo sk-live-secret-0123456789'));
    const raw = db!.db.prepare('SELECT instructions, input_items, response FROM stored_responses').get();
    expect(JSON.stringify(raw)).not.toContain('sk-live-secret');
    expect(JSON.parse(store.get('resp_1', 'key_a')!).output[0].content[0].text).toBe('echo [redacted]');
    expect(store.chain('resp_1', 'key_a')!.items[0]).toEqual(user('my key is [redacted]'));
  });

  it.each([['maxResponseBytes', 0], ['maxStoredBytes', -1], ['maxChainDepth', 1.5]])('refuses %s = %s', (name, value) => {
    db = openTempDatabase();
    expect(() => createResponseStore(db!.db, { clock: db!.clock, [name]: value })).toThrow(RangeError);
  });
});

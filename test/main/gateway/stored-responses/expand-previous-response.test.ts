// previous_response_id as a client uses it: the follow-up's upstream input is the stored
// conversation then its own input, without the earlier instructions; an unknown or another key's
// id is OpenAI's 400 previous_response_not_found, word for word.
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../main/core/gateway-error.js';
import { expandPreviousResponse } from '../../../../main/gateway/stored-responses/expand-previous-response.js';
import { createResponseStore, type ResponseStore } from '../../../../main/storage/response-store.js';
import { openTempDatabase, type TempDatabase } from '../../storage/storage-test-kit.js';

const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const call = { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"cmd":"ls"}' };
const callOutput = { type: 'function_call_output', call_id: 'call_1', output: 'README.md' };

let db: TempDatabase | null = null;
afterEach(() => {
  db?.dispose();
  db = null;
});

function openStore(options: { maxChainDepth?: number } = {}): ResponseStore {
  db = openTempDatabase();
  const store = createResponseStore(db.db, { clock: db.clock, ...options });
  store.save({
    id: 'resp_1', owner: 'key_a', model: 'm', previousResponseId: null, instructions: 'You are a shell assistant.', input: [user('list files')],
    response: { id: 'resp_1', object: 'response', output: [call] },
  });
  return store;
}

function thrown(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected a GatewayError');
}

describe('expandPreviousResponse', () => {
  it('returns the input unchanged when there is no previous response', () => {
    const store = openStore();
    expect(expandPreviousResponse(store, 'key_a', {}, [user('hi')])).toEqual({ input: [user('hi')], truncated: false });
    expect(expandPreviousResponse(store, 'key_a', { previous_response_id: null }, [user('hi')])).toEqual({ input: [user('hi')], truncated: false });
  });

  it('puts the stored conversation before the new input, and not the earlier instructions', () => {
    const store = openStore();
    const expanded = expandPreviousResponse(store, 'key_a', { previous_response_id: 'resp_1' }, [callOutput]);
    expect(expanded).toEqual({ input: [user('list files'), call, callOutput], truncated: false });
    expect(JSON.stringify(expanded)).not.toContain('shell assistant');
  });

  it.each([['an unknown id', 'resp_nope', 'key_a'], ["another key's id", 'resp_1', 'key_b'], ["a key's id asked by the admin key", 'resp_1', null]])(
    'answers %s with OpenAI 400 previous_response_not_found',
    (_, id, owner) => {
      const error = thrown(() => expandPreviousResponse(openStore(), owner, { previous_response_id: id }, [user('hi')]));
      expect(error.status).toBe(400);
      expect(error.toBody()).toEqual({
        error: { message: `Previous response with id '${id}' not found.`, type: 'invalid_request_error', param: 'previous_response_id', code: 'previous_response_not_found' },
      });
    },
  );

  it.each([[42], [''], [['resp_1']], [{ id: 'resp_1' }]])('refuses previous_response_id %j with a 400 naming it', (value) => {
    const error = thrown(() => expandPreviousResponse(openStore(), 'key_a', { previous_response_id: value }, []));
    expect(error).toMatchObject({ status: 400, code: 'invalid_request', param: 'previous_response_id' });
  });

  it('appends a new input of 200,000 items to the history', () => {
    const many = Array.from({ length: 200_000 }, () => callOutput);
    expect(expandPreviousResponse(openStore(), 'key_a', { previous_response_id: 'resp_1' }, many).input).toHaveLength(200_002);
  });

  it('echoes at most 256 characters of an unknown id', () => {
    const error = thrown(() => expandPreviousResponse(openStore(), 'key_a', { previous_response_id: `resp_${'x'.repeat(10_000)}` }, []));
    expect(error.message.length).toBeLessThan(320);
  });

  it('says when the history lost its oldest part', () => {
    const store = openStore({ maxChainDepth: 1 });
    store.save({ id: 'resp_2', owner: 'key_a', model: 'm', previousResponseId: 'resp_1', instructions: null, input: [callOutput], response: { id: 'resp_2', output: [] } });
    expect(expandPreviousResponse(store, 'key_a', { previous_response_id: 'resp_2' }, [user('next')])).toEqual({ input: [callOutput, user('next')], truncated: true });
  });
});

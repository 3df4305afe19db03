// GET and DELETE /v1/responses/{id} driven by the official openai SDK over a real loopback socket,
// against a gateway whose response store (a real SQLite file) was filled through the repository:
// each key reads and deletes its own responses only; unknown and foreign ids are the same 404.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRepository } from '../../../../main/keys/key-repository.js';
import { createKeyVerifier } from '../../../../main/keys/verify-key.js';
import { createVirtualKeyLookup } from '../../../../main/keys/virtual-key-lookup.js';
import { createResponseStore, type ResponseStore, type ResponseToStore } from '../../../../main/storage/response-store.js';
import { openAIModelYaml, startTestGateway, type TestGateway } from '../../../support/test-gateway.js';
import { openTempDatabase, type TempDatabase } from '../../storage/storage-test-kit.js';

const MASTER = 'sk-master-stored-responses-0123456789';
let db: TempDatabase;
let store: ResponseStore;
let gateway: TestGateway;
let dispose: () => void;
let keyA: { id: string; key: string };
let keyB: { id: string; key: string };

const client = (apiKey: string, prefix = '/v1') => new OpenAI({ apiKey, baseURL: `${gateway.url}${prefix}`, maxRetries: 0 });

function stored(id: string, owner: string | null, text = `answer of ${id}`): ResponseToStore {
  return {
    id, owner, model: 'm', previousResponseId: null, instructions: null,
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
    response: {
      id, object: 'response', created_at: 1_773_000_000, status: 'completed', model: 'm', error: null, incomplete_details: null,
      output: [{ type: 'message', id: `msg_${id}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] }],
      usage: { input_tokens: 5, input_tokens_details: { cached_tokens: 0 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 8 },
    },
  };
}

beforeAll(async () => {
  db = openTempDatabase();
  store = createResponseStore(db.db, { clock: db.clock });
  const keys = createKeyRepository(db.db, db.clock);
  const verifier = createKeyVerifier(keys, db.clock);
  const a = keys.create({ key_alias: 'app-a' });
  const b = keys.create({ key_alias: 'app-b' });
  keyA = { id: a.record.id, key: a.key };
  keyB = { id: b.record.id, key: b.key };
  gateway = await startTestGateway(openAIModelYaml('m', 'http://127.0.0.1:9/v1'), {
    listen: true, masterKey: MASTER, virtualKeys: createVirtualKeyLookup(verifier), responses: store, now: () => db.clock.now(),
  });
  dispose = () => verifier.dispose();
});
afterAll(async () => {
  await gateway.close();
  dispose();
  db.dispose();
});

async function notFound(call: Promise<unknown>) {
  const error = await call.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  return (error as InstanceType<typeof OpenAI.NotFoundError>).error;
}

describe('stored response routes', () => {
  it('returns a key its own stored response, as the SDK reads it', async () => {
    const saved = stored('resp_a1', keyA.id, 'the answer');
    store.save(saved);
    const response = await client(keyA.key).responses.retrieve('resp_a1');
    expect(response).toMatchObject(saved.response);
    expect(response.output_text).toBe('the answer');
    const unprefixed = await client(keyA.key, '').responses.retrieve('resp_a1');
    expect(unprefixed.id).toBe('resp_a1');
  });

  it('answers an unknown id with 404 in OpenAI error shape', async () => {
    expect(await notFound(client(keyA.key).responses.retrieve('resp_nope'))).toEqual({
      message: "Response with id 'resp_nope' not found.", type: 'invalid_request_error', param: 'response_id', code: 'response_not_found',
    });
  });

  it('answers another key, and the admin key, as if the response did not exist', async () => {
    store.save(stored('resp_a2', keyA.id));
    store.save(stored('resp_admin', null));
    const foreign = await notFound(client(keyB.key).responses.retrieve('resp_a2'));
    expect(foreign).toEqual({ message: "Response with id 'resp_a2' not found.", type: 'invalid_request_error', param: 'response_id', code: 'response_not_found' });
    await notFound(client(MASTER).responses.retrieve('resp_a2'));
    await notFound(client(keyA.key).responses.retrieve('resp_admin'));
    expect((await client(MASTER).responses.retrieve('resp_admin')).id).toBe('resp_admin');
    await notFound(client(keyB.key).responses.delete('resp_a2'));
    expect((await client(keyA.key).responses.retrieve('resp_a2')).id).toBe('resp_a2');
  });

  it('deletes a response for its key, answering OpenAI deletion object, after which it is gone', async () => {
    store.save(stored('resp_a3', keyA.id));
    store.save(stored('resp_a4', keyA.id));
    // Typed void by the SDK, but it hands back the body it received.
    await expect(client(keyA.key).responses.delete('resp_a3')).resolves.toEqual({ id: 'resp_a3', object: 'response', deleted: true });
    await notFound(client(keyA.key).responses.retrieve('resp_a3'));
    await notFound(client(keyA.key).responses.delete('resp_a3'));
    const raw = await fetch(`${gateway.url}/v1/responses/resp_a4`, { method: 'DELETE', headers: { authorization: `Bearer ${keyA.key}` } });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ id: 'resp_a4', object: 'response', deleted: true });
    expect(store.get('resp_a4', keyA.id)).toBeUndefined();
  });

  it('needs a key, like every inference route', async () => {
    store.save(stored('resp_a5', keyA.id));
    const error = await client('sk-not-a-key-of-this-gateway-000').responses.retrieve('resp_a5').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    const anonymous = await fetch(`${gateway.url}/v1/responses/resp_a5`, { method: 'DELETE' });
    expect(anonymous.status).toBe(401);
    expect(store.get('resp_a5', keyA.id)).toBeDefined();
  });

  it('refuses to stream a stored response with a 400 naming stream', async () => {
    store.save(stored('resp_a6', keyA.id));
    const res = await fetch(`${gateway.url}/v1/responses/resp_a6?stream=true`, { headers: { authorization: `Bearer ${keyA.key}` } });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ type: 'invalid_request_error', param: 'stream', code: 'invalid_request' });
  });
});

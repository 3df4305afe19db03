// The real OS keychain: keytar against a private, unlocked gnome-keyring that `npm test`
// (scripts/run-tests.mjs) starts in its own D-Bus session, never the developer's keyring. Covers
// the store itself, `secret-tool` seeing what Switchboard stored, keychain/NAME keys resolved by a
// running gateway, a key added through the API, and the failure modes in child processes (no
// bus, a bus without gnome-keyring, a locked keyring, a whole gateway without a keychain), plus a
// hanging keychain in process. Skips without the private keyring; fails instead in CI.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { createKeytarSecretStore } from '../../main/secrets/keytar-secret-store.js';
import { withSecretTimeout } from '../../main/secrets/with-secret-timeout.js';
import { createMemorySecretStore } from '../../main/secrets/memory-secret-store.js';
import type { SecretStore } from '../../main/secrets/secret-store.js';
import { assertKeychainReady, keychainTestEnv } from '../main/secrets/keychain-test-env.js';

const ROOT = join(import.meta.dirname, '..', '..');
const JITI = join(ROOT, 'node_modules', 'jiti', 'lib', 'jiti-cli.mjs');
const kc = keychainTestEnv();
const onPath = (command: string) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
const suffix = randomBytes(6).toString('hex');

let work: string;
let mock: MockUpstream;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'switchboard-keychain-e2e-'));
  mock = await createMockUpstream();
});
afterAll(async () => {
  await mock?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Every file under `dir`, as bytes, for "the key is nowhere in the data directory". */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (readFileSync(full).includes(Buffer.from(needle, 'utf8'))) hits.push(full);
    }
  };
  walk(dir);
  return hits;
}

function captureLog() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { log: pino({ level: 'trace' }, sink), lines };
}

async function runGateway(name: string, yaml: string, secrets: SecretStore, env: NodeJS.ProcessEnv = {}) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, yaml);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const { log, lines } = captureLog();
  const running = await startGateway({ configFile, dataDir, host: '127.0.0.1', port: 0, masterKey: undefined, env, log, secrets });
  return { running, dataDir, lines };
}

const chat = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'hi' }] });

describe.skipIf(!kc.run)(kc.title('the real keychain (gnome-keyring in a private D-Bus session)'), () => {
  // Per test, so that in CI each keychain test is reported as failed (not skipped) when the
  // keychain is missing; the hooks below do nothing then.
  beforeEach(() => assertKeychainReady(kc));

  describe('createKeytarSecretStore', () => {
    const store = createKeytarSecretStore();
    const name = `e2e-store-${suffix}`;
    afterAll(async () => {
      if (kc.ready) await store.delete(name).catch(() => undefined);
    });

    it('sets, reads, replaces, lists and deletes a credential in the Secret Service', async () => {
      expect(await store.get(name)).toBeUndefined();
      await store.set(name, 'sk-first-value-000000000001');
      expect(await store.get(name)).toBe('sk-first-value-000000000001');
      await store.set(name, 'sk-second-value-00000000002');
      expect(await store.get(name)).toBe('sk-second-value-00000000002');
      expect(await store.list()).toContain(name);
      expect(await store.delete(name)).toBe(true);
      expect(await store.get(name)).toBeUndefined();
      expect(await store.list()).not.toContain(name);
      expect(await store.delete(name)).toBe(false);
    });

    it.skipIf(!onPath('secret-tool'))('keeps it as service "Switchboard", account NAME, where secret-tool finds it', async () => {
      await store.set(name, 'sk-visible-to-secret-tool-0003');
      const found = spawnSync('secret-tool', ['search', '--all', 'service', 'Switchboard', 'account', name], { encoding: 'utf8' });
      expect(found.status).toBe(0);
      expect(found.stdout + found.stderr).toContain(`attribute.account = ${name}`);
      expect(found.stdout + found.stderr).toContain('attribute.service = Switchboard');
      const lookup = spawnSync('secret-tool', ['lookup', 'service', 'Switchboard', 'account', name], { encoding: 'utf8' });
      expect(lookup.stdout).toBe('sk-visible-to-secret-tool-0003');
      await store.delete(name);
      expect(spawnSync('secret-tool', ['lookup', 'service', 'Switchboard', 'account', name], { encoding: 'utf8' }).status).not.toBe(0);
    });
  });

  describe('a running gateway with the keychain', () => {
    const store = createKeytarSecretStore();
    const stored = `e2e-kc-${suffix}`;
    const added = `e2e-api-${suffix}`;
    const STORED_KEY = `sk-e2e-keychain-${suffix}-stored`;
    const ADDED_KEY = `sk-e2e-keychain-${suffix}-added`;
    let gw: Awaited<ReturnType<typeof runGateway>>;
    let client: OpenAI;
    beforeAll(async () => {
      if (!kc.ready) return;
      await store.set(stored, STORED_KEY);
      gw = await runGateway('with-keychain', `model_list:
  - model_name: from-keychain
    litellm_params: { model: openai/up-kc, api_base: "${mock.url}/v1", api_key: keychain/${stored} }
  - model_name: added-through-api
    litellm_params: { model: openai/up-api, api_base: "${mock.url}/v1", api_key: keychain/${added} }
`, store);
      client = new OpenAI({ apiKey: 'unused-in-open-mode', baseURL: `${gw.running.url}/v1`, maxRetries: 0 });
    });
    afterAll(async () => {
      await gw?.running.close();
      if (!kc.ready) return;
      for (const name of [stored, added]) await store.delete(name).catch(() => undefined);
    });

    it('sends the key stored in the keychain upstream for a keychain/NAME model', async () => {
      const before = mock.requests.length;
      const reply = await client.chat.completions.create(chat('from-keychain'));
      expect(reply.choices[0]?.message.content).toBe('Hello, world!');
      expect(mock.requests.slice(before).map((r) => r.headers.authorization)).toEqual([`Bearer ${STORED_KEY}`]);
    });

    it('adds a provider key through the API: in the keychain (secret-tool sees it), usable at once, nowhere in the data directory', async () => {
      await expect(client.chat.completions.create(chat('added-through-api'))).rejects.toMatchObject({ status: 503 });

      const res = await fetch(`${gw.running.url}/credentials`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: added, value: ADDED_KEY }) });
      const text = await res.text();
      expect(res.status).toBe(201);
      expect(text).not.toContain(ADDED_KEY);
      expect(JSON.parse(text)).toMatchObject({ name: added, stored_in: 'keychain', mask: `sk-...${ADDED_KEY.slice(-4)}`, used_by: ['added-through-api'] });
      expect(JSON.parse(text).location).toBe(`Secret Service (GNOME Keyring or KWallet), service "Switchboard", account "${added}"`);

      expect(await createKeytarSecretStore().get(added)).toBe(ADDED_KEY);
      if (onPath('secret-tool')) {
        const found = spawnSync('secret-tool', ['search', '--all', 'service', 'Switchboard', 'account', added], { encoding: 'utf8' });
        expect(found.stdout + found.stderr).toContain(`attribute.account = ${added}`);
      }

      const before = mock.requests.length;
      await client.chat.completions.create(chat('added-through-api'));
      expect(mock.requests.slice(before).map((r) => r.headers.authorization)).toEqual([`Bearer ${ADDED_KEY}`]);

      gw.running.usage.flush();
      for (const key of [ADDED_KEY, STORED_KEY]) {
        expect(filesContaining(gw.dataDir, key)).toEqual([]);
        expect(gw.lines.join('')).not.toContain(key);
      }
    });
  });

  describe('failure modes (child processes with their own D-Bus)', () => {
    /** A session bus with no .service files: nothing provides org.freedesktop.secrets. */
    let bareBusConfig: string;
    beforeAll(() => {
      bareBusConfig = join(work, 'bare-session.conf');
      writeFileSync(bareBusConfig, `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=${tmpdir()}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`);
    });

    const children = new Set<ReturnType<typeof spawn>>();
    afterEach(() => {
      // Only the processes this file started, by their handle.
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      children.clear();
    });

    /** Environment for a child: no DISPLAY (a locked keyring would prompt and hang), fresh XDG dirs. */
    function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
      const home = mkdtempSync(join(work, 'home-'));
      for (const dir of ['data', 'cache', 'runtime']) mkdirSync(join(home, dir), { mode: 0o700 });
      return {
        PATH: process.env.PATH ?? '',
        HOME: home,
        XDG_DATA_HOME: join(home, 'data'),
        XDG_CACHE_HOME: join(home, 'cache'),
        XDG_RUNTIME_DIR: join(home, 'runtime'),
        ...extra,
      };
    }

    function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
      const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      let out = '';
      let err = '';
      child.stdout!.setEncoding('utf8').on('data', (text: string) => (out += text));
      child.stderr!.setEncoding('utf8').on('data', (text: string) => (err += text));
      const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? -1)));
      return { child, exited, stdout: () => out, stderr: () => err };
    }

    /** Polls a child's output (no sleeping: it resolves on the first match, fails if the child exits). */
    function waitFor(match: () => string | undefined, child: ReturnType<typeof run>): Promise<string> {
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          const found = match();
          if (found === undefined) return false;
          child.child.stdout!.off('data', check);
          resolve(found);
          return true;
        };
        if (check()) return;
        child.child.stdout!.on('data', check);
        void child.exited.then((code) => reject(new Error(`child exited (${code}) first; stderr: ${child.stderr()}`)));
      });
    }

    /** Runs set, get and list through createKeytarSecretStore in a child; returns what each did. */
    async function probe(wrap: (node: string[]) => [string, string[]], env: NodeJS.ProcessEnv) {
      const script = join(work, `probe-${randomBytes(4).toString('hex')}.ts`);
      writeFileSync(script, `import { createKeytarSecretStore } from ${JSON.stringify(join(ROOT, 'main', 'secrets', 'keytar-secret-store.js'))};
const store = createKeytarSecretStore({ service: 'Switchboard-probe' });
const result: Record<string, unknown> = {};
const attempt = async (op: string, call: () => Promise<unknown>) => {
  try {
    result[op] = { ok: true, value: await call() };
  } catch (error) {
    result[op] = { ok: false, kind: (error as { kind?: string }).kind, message: (error as Error).message };
  }
};
await attempt('set', () => store.set('probe', 'sk-probe-value-0123456789'));
await attempt('get', () => store.get('probe'));
await attempt('list', () => store.list());
process.stdout.write('RESULT ' + JSON.stringify(result) + '\\n');
`);
      const [command, args] = wrap([process.execPath, JITI, script]);
      const child = run(command, args, env);
      const code = await child.exited;
      const line = child.stdout().split('\n').find((l) => l.startsWith('RESULT '));
      expect(line, `probe exited ${code}; stderr: ${child.stderr()}`).toBeDefined();
      return JSON.parse(line!.slice('RESULT '.length)) as Record<'set' | 'get' | 'list', { ok: boolean; kind?: string; message?: string; value?: unknown }>;
    }

    it('on a bus without gnome-keyring, fails at once with what to install (not a hang, not a timeout)', async () => {
      const result = await probe((node) => ['dbus-run-session', [`--config-file=${bareBusConfig}`, '--', ...node]], childEnv());
      for (const op of ['set', 'get', 'list'] as const) {
        expect(result[op]).toMatchObject({ ok: false, kind: 'unavailable' });
        expect(result[op].message).toMatch(/No Secret Service is running on the D-Bus session bus.*apt install gnome-keyring.*os\.environ\/NAME/);
      }
    });

    it('without any session bus, says that D-Bus is missing', async () => {
      const result = await probe((node) => [node[0]!, node.slice(1)], childEnv({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(work, 'no-such-bus')}` }));
      expect(result.set).toMatchObject({ ok: false, kind: 'unavailable' });
      expect(result.set.message).toMatch(/No D-Bus session bus/);
    });

    it('with a keyring that is not unlocked, refuses to store and says to unlock it', async () => {
      const result = await probe(
        (node) => ['dbus-run-session', ['--', 'sh', '-c', 'gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1; exec "$@"', 'sh', ...node]],
        childEnv(),
      );
      expect(result.set).toMatchObject({ ok: false, kind: 'locked' });
      expect(result.set.message).toMatch(/keyring is locked.*unlock/);
      // libsecret answers reads on a locked keyring with "nothing": never mistaken for a stored key.
      expect(result.get).toEqual({ ok: true });
    });

    // The child gateway is transpiled by jiti at start: on a loaded machine the whole test ran past 30 s.
    it('a gateway on a bus without gnome-keyring still serves keyless models, and answers 503 for keychain keys', async () => {
      const dir = mkdtempSync(join(work, 'bare-gateway-'));
      const config = join(dir, 'config.yaml');
      writeFileSync(config, `model_list:
  - model_name: keyless
    litellm_params: { model: openai/up-local, api_base: "${mock.url}/v1" }
  - model_name: needs-keychain
    litellm_params: { model: openai/up-cloud, api_base: "${mock.url}/v1", api_key: keychain/cloud-key }
router_settings: { num_retries: 0 }
`);
      const script = join(dir, 'serve.ts');
      writeFileSync(script, `import { main } from ${JSON.stringify(join(ROOT, 'main', 'cli.js'))};
process.exitCode = await main(process.argv.slice(2), process.env);
`);
      // The bus is started by hand, not through dbus-run-session, so both processes can be
      // stopped by their handles (dbus-run-session does not pass SIGTERM on to its child).
      const bus = run('dbus-daemon', ['--nofork', '--print-address=1', `--config-file=${bareBusConfig}`], childEnv());
      const address = await waitFor(() => /^(unix:\S+)$/m.exec(bus.stdout())?.[1], bus);
      const cli = run(process.execPath, [JITI, script, 'serve', '--config', config, '--port', '0', '--data-dir', join(dir, 'data')], childEnv({ SWITCHBOARD_LOG_LEVEL: 'warn', DBUS_SESSION_BUS_ADDRESS: address }));
      const url = await waitFor(() => /Switchboard listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.stdout())?.[1], cli);
      const client = new OpenAI({ apiKey: 'open-mode', baseURL: `${url}/v1`, maxRetries: 0 });

      const reply = await client.chat.completions.create(chat('keyless'));
      expect(reply.choices[0]?.message.content).toBe('Hello, world!');

      const refused = await client.chat.completions.create(chat('needs-keychain')).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OpenAI.APIError);
      expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
      expect((refused as Error).message).toMatch(/Cannot read the key "cloud-key" from the OS keychain: No Secret Service is running/);

      const store = await fetch(`${url}/credentials`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'cloud-key', value: 'sk-never-stored-anywhere-0001' }) });
      const body = await store.text();
      expect(store.status).toBe(503);
      expect(JSON.parse(body).error.message).toMatch(/^The OS keychain could not store the credential: No Secret Service is running.*apt install gnome-keyring/);
      expect(body).not.toContain('sk-never-stored');
      expect(filesContaining(dir, 'sk-never-stored-anywhere-0001').filter((f) => !f.endsWith('.ts'))).toEqual([]);

      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
      expect(cli.stdout() + cli.stderr()).not.toContain('sk-never-stored');
      bus.child.kill('SIGTERM');
      await bus.exited;
    }, 90_000);
  });
});

describe('a gateway whose keychain hangs', () => {
  let gw: Awaited<ReturnType<typeof runGateway>>;
  let hung = 0;
  beforeAll(async () => {
    const hang = () => {
      hung += 1;
      return new Promise<never>(() => undefined);
    };
    // keytar on a locked keyring with a display never returns; the deadline fires as soon as it
    // is set here, standing in for the 5 s that pass in real life (no wall clock in tests).
    const store = withSecretTimeout({ ...createMemorySecretStore(), get: hang, set: hang, list: hang, delete: hang }, {
      schedule: (fire) => (queueMicrotask(fire), () => undefined),
      hint: 'Unlock the keyring.',
    });
    gw = await runGateway('hanging', `model_list:
  - model_name: keyless
    litellm_params: { model: openai/up-local, api_base: "${mock.url}/v1" }
  - model_name: needs-keychain
    litellm_params: { model: openai/up-cloud, api_base: "${mock.url}/v1", api_key: keychain/cloud-key }
`, store);
    // The start looks up every keychain/NAME once (and warns); that is the call that hangs.
    await gw.running.keychainChecked;
  });
  afterAll(async () => {
    await gw?.running.close();
  });

  it('fails keychain models with a clear 503, stops calling the hung keychain, and keeps serving keyless models', async () => {
    expect(gw.lines.join('')).toMatch(/model needs-keychain uses keychain\/cloud-key, but the OS keychain cannot be read: The OS keychain did not answer within 5 s \(reading \\"cloud-key\\"\)\. Unlock the keyring\./);
    const client = new OpenAI({ apiKey: 'open-mode', baseURL: `${gw.running.url}/v1`, maxRetries: 0 });
    const first = await client.chat.completions.create(chat('needs-keychain')).catch((e: unknown) => e);
    expect((first as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((first as Error).message).toMatch(/Cannot read the key "cloud-key" from the OS keychain: The OS keychain is not answering: an earlier call has not returned/);

    const second = await client.chat.completions.create(chat('needs-keychain')).catch((e: unknown) => e);
    expect((second as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((second as Error).message).toMatch(/earlier call has not returned/);
    expect(hung).toBe(1);

    const reply = await client.chat.completions.create(chat('keyless'));
    expect(reply.choices[0]?.message.content).toBe('Hello, world!');

    const store = await fetch(`${gw.running.url}/credentials`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'cloud-key', value: 'sk-hang-0123456789abcdef' }) });
    expect(store.status).toBe(503);
    expect((await store.json()).error.code).toBe('service_unavailable');
  });
});

// deploy/compose.yaml against the code and its neighbours (nginx.conf, .env.example, config.yaml):
// replicas on one DATABASE_URL that waits for a healthy PostgreSQL, serve's real flags and port,
// environment names Switchboard reads, a stop grace above drain + shutdown grace, nginx pointing
// at every replica, and no secret outside .env. Each rule is shown to fail on a broken copy.
import { describe, expect, it } from 'vitest';
import { checkCompose } from './deploy-checks.js';
import { copyOf, parseYamlDocuments, readDeployFile } from './read-deploy-files.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const compose = parseYamlDocuments(readDeployFile('compose.yaml'), 'compose.yaml')[0] as Json;
const files = { nginx: readDeployFile('nginx.conf'), envExample: readDeployFile('.env.example'), config: readDeployFile('config.yaml') };

function broken(change: (copy: Json) => void): string {
  const copy = copyOf(compose);
  change(copy);
  return checkCompose(copy, files).join('\n');
}

describe('deploy/compose.yaml', () => {
  it('parses, as do config.yaml, and is consistent with the CLI, the config parser, nginx.conf and .env.example', () => {
    expect(checkCompose(compose, files)).toEqual([]);
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgres', 'switchboard-1', 'switchboard-2', 'lb']));
  });

  it.each<[string, (copy: Json) => void, RegExp]>([
    ['replicas on different databases', (c) => (c.services['switchboard-2'].environment.DATABASE_URL = 'postgresql://switchboard:${POSTGRES_PASSWORD}@postgres:5432/other'), /different DATABASE_URLs/],
    ['a database host that is no service', (c) => { for (const name of ['switchboard-1', 'switchboard-2']) c.services[name].environment.DATABASE_URL = 'postgresql://switchboard:${POSTGRES_PASSWORD}@db:5432/switchboard'; }, /names host db, which is no service/],
    ['a replica that does not wait for a healthy database', (c) => (c.services['switchboard-1'].depends_on = { postgres: { condition: 'service_started' } }), /does not wait for postgres/],
    ['a database without a healthcheck', (c) => delete c.services.postgres.healthcheck, /postgres: no healthcheck/],
    ['a single replica', (c) => delete c.services['switchboard-2'], /1 Switchboard replica/],
    ['a flag serve refuses', (c) => (c.services['switchboard-1'].command = ['serve', '--listen', '0.0.0.0']), /refused/],
    ['a port nothing exposes', (c) => (c.services['switchboard-1'].command = ['serve', '--host', '0.0.0.0', '--port', '8080']), /not serve's port 8080/],
    ['a misspelt Switchboard variable', (c) => (c.services['switchboard-1'].environment.SWITCHBOARD_DRAIN_DELAY = '5'), /SWITCHBOARD_DRAIN_DELAY is not read by Switchboard/],
    ['a malformed drain delay', (c) => (c.services['switchboard-1'].environment.SWITCHBOARD_DRAIN_DELAY_SECONDS = '5s'), /SWITCHBOARD_DRAIN_DELAY_SECONDS.*must be a number/],
    ['a stop grace shorter than drain + shutdown grace', (c) => (c.services['switchboard-1'].stop_grace_period = '20s'), /killed after 20 s, not more than drain delay \+ shutdown grace \(25 s\)/],
    ['a malformed allowed host', (c) => (c.services['switchboard-1'].environment.SWITCHBOARD_ALLOWED_HOSTS = 'switchboard,*.com'), /config.yaml does not load: SWITCHBOARD_ALLOWED_HOSTS/],
    ['a literal admin key', (c) => (c.services['switchboard-1'].environment.SWITCHBOARD_MASTER_KEY = 'sk-real-admin-key-0123456789'), /SWITCHBOARD_MASTER_KEY holds a literal value/],
    ['a literal database password', (c) => (c.services['switchboard-1'].environment.DATABASE_URL = 'postgresql://switchboard:hunter2@postgres:5432/switchboard'), /literal database password/],
    ['a config that is not the mounted deploy/config.yaml', (c) => (c.services['switchboard-1'].environment.SWITCHBOARD_CONFIG = '/etc/config.yaml'), /is not deploy\/config.yaml mounted/],
    ['a variable the config does not use', (c) => (c.services['switchboard-1'].environment.ANTHROPIC_API_KEY = 'sk-change-me'), /ANTHROPIC_API_KEY is set but config.yaml never references/],
  ])('finds %s', (_name, change, problem) => {
    expect(broken(change)).toMatch(problem);
  });

  it('finds nginx pointing at a replica that does not exist, or missing one', () => {
    expect(checkCompose(compose, { ...files, nginx: files.nginx.replace('switchboard-2:4141', 'switchboard-3:4141') }).join('\n')).toMatch(/no upstream server switchboard-2:4141[\s\S]*switchboard-3:4141 is no Switchboard replica/);
  });

  it('finds a real-looking secret in .env.example', () => {
    expect(checkCompose(compose, { ...files, envExample: files.envExample.replace('OPENAI_API_KEY=sk-change-me', 'OPENAI_API_KEY=sk-proj-abc123') }).join('\n')).toMatch(/\.env\.example: OPENAI_API_KEY holds a literal value/);
  });

  it('finds a config reference no environment sets', () => {
    const config = files.config.replace('api_base: http://vllm:8000/v1', 'api_base: http://vllm:8000/v1\n      api_key: os.environ/VLLM_API_KEY');
    expect(checkCompose(compose, { ...files, config }).join('\n')).toMatch(/references os.environ\/VLLM_API_KEY, which is not set/);
  });
});

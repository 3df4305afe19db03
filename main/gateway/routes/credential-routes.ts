// Provider credentials management, admin only and write-only: GET /credentials (every key the
// gateway knows of: keychain entries and the config's environment and plaintext references),
// GET /credentials/{name}, POST /credentials {name, value}, PUT|PATCH /credentials/{name}
// {value}, DELETE /credentials/{name}. Replies carry a mask (`sk-...abcd`) and where the key is
// stored, never the key. A keychain that is missing, locked or hanging is a 503 saying what to
// do; a value is never kept anywhere else instead.
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { Deployment } from '../../core/deployment.js';
import { ADMIN_KEY_NAME, isAdminKeyAccount } from '../../secrets/admin-key.js';
import { isSecretStoreError, isValidSecretName, maskSecret, type SecretStore } from '../../secrets/secret-store.js';

export interface CredentialRouteDeps {
  store: SecretStore;
  /** Every deployment the router serves (to show which models use which key). */
  deployments: () => readonly Deployment[];
  /** For `os.environ/NAME` references: masked, never returned. */
  env: NodeJS.ProcessEnv;
}

export type CredentialStoredIn = 'keychain' | 'environment' | 'config_file';

export interface CredentialView {
  name: string;
  stored_in: CredentialStoredIn;
  location: string;
  /** `sk-...abcd`; null when the referenced key is missing. */
  mask: string | null;
  missing: boolean;
  /** Model names whose deployments use this key. */
  used_by: string[];
}

const MAX_VALUE_LENGTH = 8192;

export function registerCredentialRoutes(app: FastifyInstance, deps: CredentialRouteDeps): void {
  const { store } = deps;
  const keychainLocation = (name: string) => `${store.location}, account "${name}"`;
  const usedBy = (match: (deployment: Deployment) => boolean) => [...new Set(uniqueDeployments(deps.deployments()).filter(match).map((d) => d.modelName))].sort();
  const keychainView = (name: string, value: string | undefined): CredentialView => ({
    name,
    stored_in: 'keychain',
    location: keychainLocation(name),
    mask: value === undefined ? null : maskSecret(value),
    missing: value === undefined,
    used_by: usedBy((d) => d.credential.kind === 'keychain' && d.credential.name === name),
  });

  app.register(async (scope) => {
    scope.setErrorHandler((error, request) => {
      if (!isSecretStoreError(error)) throw error;
      if (error.kind === 'invalid_name') throw new GatewayError('invalid_request', error.message, { param: 'name' });
      // Loud, with what to install or unlock; the caller's value was not stored anywhere.
      const action = request.method === 'GET' ? 'read' : request.method === 'DELETE' ? 'delete' : 'store';
      throw new GatewayError('service_unavailable', `The OS keychain could not ${action} the credential: ${error.message}`);
    });

    scope.get('/credentials', async () => {
      // A keychain that cannot be read (a headless server) is reported beside the list, not as a
      // failed request: the environment and config references are still worth showing, and
      // whether it matters depends on whether any model uses keychain/NAME.
      let names: string[] = [];
      let problem: string | undefined;
      const data: CredentialView[] = [];
      try {
        names = (await store.list()).filter((name) => !isAdminKeyAccount(name));
        for (const name of names) data.push(keychainView(name, await store.get(name)));
      } catch (error) {
        if (!isSecretStoreError(error)) throw error;
        names = [];
        data.length = 0;
        problem = error.message;
      }
      const listed = new Set(names);
      const seen = new Set<string>();
      for (const deployment of uniqueDeployments(deps.deployments())) {
        const ref = deployment.credential;
        const key = `${ref.kind}:${ref.kind === 'keychain' || ref.kind === 'env' ? ref.name : deployment.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (ref.kind === 'keychain' && !listed.has(ref.name)) data.push(keychainView(ref.name, undefined));
        if (ref.kind === 'env') {
          const value = deps.env[ref.name] || undefined;
          data.push({
            name: ref.name, stored_in: 'environment', location: `environment variable ${ref.name}`,
            mask: value === undefined ? null : maskSecret(value), missing: value === undefined,
            used_by: usedBy((d) => d.credential.kind === 'env' && d.credential.name === ref.name),
          });
        }
        if (ref.kind === 'literal') {
          const file = deployment.source.kind === 'config' ? deployment.source.file : 'the config';
          data.push({
            name: deployment.id, stored_in: 'config_file',
            location: `plaintext in ${file} (move it to the OS keychain: switchboard keys import --config ${file})`,
            mask: maskSecret(ref.value), missing: false, used_by: [deployment.modelName],
          });
        }
      }
      return { data, store: { kind: store.kind, location: store.location, available: problem === undefined, ...(problem === undefined ? {} : { problem }) } };
    });

    scope.get('/credentials/:name', async (request) => {
      const name = nameParam((request.params as { name: string }).name);
      const value = await store.get(name);
      if (value === undefined) throw new GatewayError('not_found', `No credential "${name}" in the ${store.location}`);
      return keychainView(name, value);
    });

    const save = async (name: string, value: string) => {
      const existed = (await store.get(name)) !== undefined;
      await store.set(name, value);
      return { existed, view: keychainView(name, value) };
    };
    scope.post('/credentials', async (request, reply) => {
      const body = object(request.body);
      const name = nameParam(body.name ?? body.credential_name);
      const { existed, view } = await save(name, valueParam(body));
      reply.code(existed ? 200 : 201);
      return { ...view, replaced: existed };
    });
    const replace = async (request: { params: unknown; body: unknown }) => {
      const name = nameParam((request.params as { name: string }).name);
      const { existed, view } = await save(name, valueParam(object(request.body)));
      return { ...view, replaced: existed };
    };
    scope.put('/credentials/:name', replace);
    scope.patch('/credentials/:name', replace);

    scope.delete('/credentials/:name', async (request) => {
      const name = nameParam((request.params as { name: string }).name);
      if (!(await store.delete(name))) throw new GatewayError('not_found', `No credential "${name}" in the ${store.location}`);
      const stillUsed = usedBy((d) => d.credential.kind === 'keychain' && d.credential.name === name);
      return { name, deleted: true, still_referenced_by: stillUsed };
    });
  });
}

function uniqueDeployments(deployments: readonly Deployment[]): Deployment[] {
  return [...new Map(deployments.map((d) => [d.id, d])).values()];
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('invalid_request', 'The request body must be a JSON object');
  return body as Record<string, unknown>;
}

function nameParam(value: unknown): string {
  if (typeof value !== 'string' || !isValidSecretName(value)) {
    throw new GatewayError('invalid_request', '"name" must be 1-128 characters of letters, digits, "_", "." and "-" (it is referenced as keychain/NAME)', { param: 'name' });
  }
  if (isAdminKeyAccount(value)) throw new GatewayError('invalid_request', `"${ADMIN_KEY_NAME}" and names starting with "${ADMIN_KEY_NAME}-" are reserved for admin keys`, { param: 'name' });
  return value;
}

/** `value`, or LiteLLM's `credential_values.api_key`. Messages never repeat what was sent. */
function valueParam(body: Record<string, unknown>): string {
  const litellm = body.credential_values;
  const raw = body.value ?? (typeof litellm === 'object' && litellm !== null ? (litellm as Record<string, unknown>).api_key : undefined);
  if (typeof raw !== 'string') throw new GatewayError('invalid_request', '"value" must be the key, as a string', { param: 'value' });
  // Keys pasted with a trailing newline or spaces would fail upstream in a way nobody can see.
  const value = raw.trim();
  if (value.length === 0) throw new GatewayError('invalid_request', '"value" is empty', { param: 'value' });
  if (value.length > MAX_VALUE_LENGTH) throw new GatewayError('invalid_request', `"value" is longer than ${MAX_VALUE_LENGTH} characters`, { param: 'value' });
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new GatewayError('invalid_request', '"value" contains control characters (a line break?)', { param: 'value' });
  return value;
}

// The consistency rules the Dockerfile, deploy/compose.yaml and deploy/k8s must keep with the
// code: each check takes parsed files and returns the problems it found (empty = consistent), so
// a test can run it on the real files and on a broken copy. The truth is always the code's: the
// real CLI parser, the real config parser, the real drain settings, the real gateway's routes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parseArgs, type ServeOptions } from '../../main/cli-args.js';
import { readDrainSettings } from '../../main/cli/read-drain-settings.js';
import { parseConfigText } from '../../main/config/load-config.js';
import { normalizeAllowedHost } from '../../main/core/allowed-host.js';
import { chooseStorageEngine } from '../../main/storage/choose-storage-engine.js';
import { startTestGateway } from '../support/test-gateway.js';
import { copyParts, envPairs, execForm, nginxUpstreamServers, ROOT, type DockerStage } from './read-deploy-files.js';

/** serve's port when neither --port nor SWITCHBOARD_PORT is given. */
export const SERVE_DEFAULT_PORT = (parseArgs(['serve'], {}) as ServeOptions).port;

/** Names main/ reads (outside the Electron shell): `env.NAME` or a quoted 'NAME' in code, not in comments. */
const mainSources = (() => {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && path !== join(ROOT, 'main', 'app')) walk(path);
      else if (entry.name.endsWith('.ts')) texts.push(readFileSync(path, 'utf8').replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, ''));
    }
  };
  walk(join(ROOT, 'main'));
  return texts.join('\n');
})();

export function isReadByMain(name: string): boolean {
  return new RegExp(`(env\\.${name}\\b|['"\`]${name}['"\`])`).test(mainSources);
}

/** The arguments a container starts serve with, through the real parser: serve, beyond loopback. */
export function checkServeArgs(args: readonly string[], env: Record<string, string>, where: string): string[] {
  const parsed = parseArgs(args, env, 'linux');
  if (parsed.command === 'error') return [`${where}: switchboard ${args.join(' ')} is refused: ${parsed.message}`];
  if (parsed.command !== 'serve') return [`${where}: switchboard ${args.join(' ')} does not run serve (${parsed.command})`];
  return parsed.host === '0.0.0.0' ? [] : [`${where}: serve binds ${parsed.host}, which a load balancer cannot reach; use --host 0.0.0.0`];
}

/** The port serve listens on with these arguments and environment. */
export function servePort(args: readonly string[], env: Record<string, string>): number | undefined {
  const parsed = parseArgs(args, env, 'linux');
  return parsed.command === 'serve' ? parsed.port : undefined;
}

const SECRET_NAME = /KEY|PASSWORD|SECRET|TOKEN/i;
const PLACEHOLDER = /change-me/;

/** Secret-looking values must be placeholders (or references); a DATABASE_URL's password too. */
export function checkNoLiteralSecrets(values: Record<string, string>, where: string): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (name === 'DATABASE_URL' || /^postgres(ql)?:\/\//.test(value)) {
      const password = /^[a-z]+:\/\/[^:/@]*:([^@]*)@/.exec(value)?.[1];
      if (password !== undefined && !PLACEHOLDER.test(password) && !password.startsWith('${')) problems.push(`${where}: ${name} holds a literal database password`);
    } else if (SECRET_NAME.test(name) && !PLACEHOLDER.test(value) && !value.startsWith('${') && !value.startsWith('os.environ/')) {
      problems.push(`${where}: ${name} holds a literal value, not a placeholder`);
    }
  }
  return problems;
}

/** os.environ/NAME references in a config text. */
export function environReferences(configText: string): string[] {
  const code = configText.replace(/#.*$/gm, '');
  return [...new Set([...code.matchAll(/os\.environ\/(\w+)/g)].map((match) => match[1]!))];
}

/**
 * The environment a gateway container gets: Switchboard's variables must be ones main/ reads (a
 * typo is silently ignored otherwise), any other must be used by the config, every reference
 * of the config must be set, the config must parse, and the drain settings must be valid.
 */
export function checkGatewayEnv(env: Record<string, string>, configText: string, where: string, usedElsewhere: readonly string[] = []): string[] {
  const problems: string[] = [];
  const references = environReferences(configText);
  for (const name of Object.keys(env)) {
    if (/^(SWITCHBOARD_|LITELLM_|DATABASE_URL$)/.test(name)) {
      if (!isReadByMain(name)) problems.push(`${where}: ${name} is not read by Switchboard (main/ never mentions it)`);
    } else if (!references.includes(name) && !usedElsewhere.includes(name)) {
      problems.push(`${where}: ${name} is set but config.yaml never references os.environ/${name}`);
    }
  }
  for (const name of references) if (env[name] === undefined) problems.push(`${where}: config.yaml references os.environ/${name}, which is not set`);
  try {
    parseConfigText(configText, 'config.yaml', env);
  } catch (error) {
    problems.push(`${where}: config.yaml does not load: ${(error as Error).message}`);
  }
  try {
    readDrainSettings(env, true);
  } catch (error) {
    problems.push(`${where}: ${(error as Error).message}`);
  }
  return problems;
}

/** The shutdown budget: the orchestrator must wait longer than the drain delay plus the grace period. */
export function checkShutdownBudget(env: Record<string, string>, killAfterSeconds: number | undefined, where: string): string[] {
  if (killAfterSeconds === undefined) return [`${where}: no shutdown grace period set (the default kills before the drain ends)`];
  let drain;
  try {
    drain = readDrainSettings(env, true);
  } catch {
    return []; // checkGatewayEnv names the malformed value.
  }
  const needed = (drain.drainDelayMs + drain.graceMs) / 1000;
  return killAfterSeconds > needed ? [] : [`${where}: the container is killed after ${killAfterSeconds} s, not more than drain delay + shutdown grace (${needed} s)`];
}

/** The allowed-host entries from the env, normalized by the real rule; problems for malformed ones. */
export function allowedHosts(env: Record<string, string>): string[] {
  return (env.SWITCHBOARD_ALLOWED_HOSTS ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '').map((entry) => normalizeAllowedHost(entry) ?? `(invalid: ${entry})`);
}

/** The database host a gateway with this env and config uses (PostgreSQL), or a problem. */
export function databaseHost(env: Record<string, string>, configText: string): string | undefined {
  let config;
  try {
    config = parseConfigText(configText, 'config.yaml', env);
  } catch {
    return undefined; // checkGatewayEnv names the config error.
  }
  let choice;
  try {
    choice = chooseStorageEngine({ env, config: config.databaseUrl });
  } catch {
    return undefined; // An unset or malformed URL: checkGatewayEnv names the missing variable.
  }
  return choice.engine === 'postgresql' ? choice.url.host : undefined;
}

/**
 * What a probe gets from the real gateway built from the deployment's config and environment,
 * bound beyond loopback as in the container: the status code for GET `path` with Host `host`.
 */
export async function probeStatus(path: string, host: string, env: Record<string, string>, configText: string): Promise<number> {
  const gateway = await startTestGateway(configText, { env, host: '0.0.0.0', masterKey: env.SWITCHBOARD_MASTER_KEY, port: SERVE_DEFAULT_PORT });
  try {
    return (await gateway.app.inject({ method: 'GET', url: path, headers: { host } })).statusCode;
  } finally {
    await gateway.app.close();
  }
}

/** Whether .dockerignore excludes `source` (its patterns are paths from the context root). */
function ignoredByDocker(source: string, dockerignore: string): boolean {
  const patterns = dockerignore.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const clean = posix.normalize(source).replace(/^\.\//, '').replace(/\/$/, '');
  return patterns.some((pattern) => clean === pattern || clean.startsWith(`${pattern}/`));
}

/** The Dockerfile against the repository and the CLI. */
export function checkDockerfile(stages: DockerStage[], dockerignore: string): string[] {
  const problems: string[] = [];
  const final = stages.at(-1);
  if (final === undefined) return ['Dockerfile: no stage'];
  for (const stage of stages) {
    if (!/^node:20-bookworm-slim$/.test(stage.image)) problems.push(`Dockerfile: stage ${stage.name ?? '(final)'} is FROM ${stage.image}, not node:20-bookworm-slim`);
  }
  const names = new Set<string>();
  for (const stage of stages) {
    for (const instruction of stage.instructions.filter((i) => i.keyword === 'COPY')) {
      const { from, sources } = copyParts(instruction.args);
      if (from !== undefined) {
        if (!names.has(from)) problems.push(`Dockerfile line ${instruction.line}: COPY --from=${from} names no earlier stage`);
        continue;
      }
      for (const source of sources) {
        if (!existsSync(join(ROOT, source))) problems.push(`Dockerfile line ${instruction.line}: COPY source ${source} does not exist`);
        else if (ignoredByDocker(source, dockerignore)) problems.push(`Dockerfile line ${instruction.line}: COPY source ${source} is excluded by .dockerignore`);
      }
    }
    if (stage.name !== undefined) names.add(stage.name);
  }
  const runs = (stage: DockerStage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n');
  if (!stages.some((stage) => /npm run build\b/.test(runs(stage)))) problems.push('Dockerfile: no stage runs npm run build');
  if (!stages.some((stage) => /npm ci --omit=dev/.test(runs(stage)) && /npm rebuild better-sqlite3/.test(runs(stage)))) {
    problems.push('Dockerfile: no stage installs production dependencies with better-sqlite3 rebuilt for the image');
  }

  const last = (keyword: string) => final.instructions.filter((i) => i.keyword === keyword).at(-1);
  const env: Record<string, string> = Object.assign({}, ...final.instructions.filter((i) => i.keyword === 'ENV').map((i) => envPairs(i.args)));
  const user = last('USER')?.args;
  if (user === undefined || user === 'root' || user === '0') problems.push('Dockerfile: the runtime stage runs as root (no USER, or USER root)');

  // Where each path of the image comes from in the repository, for the entrypoint.
  const workdir = last('WORKDIR')?.args ?? '/';
  const copied = new Map<string, string>();
  for (const instruction of final.instructions.filter((i) => i.keyword === 'COPY')) {
    const { from, sources, dest } = copyParts(instruction.args);
    if (from === undefined) for (const source of sources) copied.set(posix.resolve(workdir, dest), source);
  }
  const entrypoint = execForm(last('ENTRYPOINT')?.args ?? '');
  if (entrypoint === undefined || entrypoint[0] !== 'node' || entrypoint[1] === undefined) {
    problems.push('Dockerfile: ENTRYPOINT is not ["node", "<bin/switchboard.js>"]');
  } else {
    const script = posix.resolve(workdir, entrypoint[1]);
    // The deepest destination holding the script is the COPY it came from.
    const origin = [...copied].filter(([dest]) => script.startsWith(`${dest}/`)).sort((a, b) => b[0].length - a[0].length)[0];
    const repoPath = origin === undefined ? undefined : posix.join(origin[1], posix.relative(origin[0], script));
    if (repoPath === undefined || !existsSync(join(ROOT, repoPath))) problems.push(`Dockerfile: the entrypoint ${script} is not a file the image copies from the repository`);
    else if (repoPath !== 'bin/switchboard.js') problems.push(`Dockerfile: the entrypoint is ${repoPath}, not package.json's bin (bin/switchboard.js)`);
    // bin/switchboard.js imports the bundle relative to itself (statically, or with import() when
    // the CommonJS bundle and its code cache are absent): the image must hold it there.
    const bundle = /(?:from |import\()'(\.\.\/dist\/main\/[^']+)'/.exec(readFileSync(join(ROOT, 'bin', 'switchboard.js'), 'utf8'))?.[1];
    const bundleInImage = bundle === undefined ? undefined : posix.resolve(posix.dirname(script), bundle);
    const bundleCopied = final.instructions.some((i) => {
      if (i.keyword !== 'COPY') return false;
      const parts = copyParts(i.args);
      const dest = posix.resolve(workdir, parts.dest);
      return parts.from !== undefined && parts.sources.some((source) => bundleInImage === posix.join(dest, posix.basename(source)));
    });
    if (!bundleCopied) problems.push(`Dockerfile: the image does not hold ${bundleInImage ?? 'the CLI bundle'}, which the entrypoint imports`);
    // The worker thread's script (the usage writer and the caller lookups) is a bundle of its own,
    // found beside the CLI bundle at run time: without them, serve logs failed thread starts.
    const bundled = [...readFileSync(join(ROOT, 'scripts', 'bundle-cli.mjs'), 'utf8').matchAll(/file: `\$\{root\}(dist\/main\/[\w-]+\.mjs)`/g)].map((m) => m[1]!);
    const imageFiles = new Set(final.instructions.filter((i) => i.keyword === 'COPY').flatMap((i) => {
      const parts = copyParts(i.args);
      const dest = posix.resolve(workdir, parts.dest);
      return parts.from === undefined ? [] : parts.sources.map((source) => posix.join(dest, posix.basename(source)));
    }));
    for (const file of bundled) {
      const inImage = posix.resolve(posix.dirname(script), '..', file);
      if (!imageFiles.has(inImage)) problems.push(`Dockerfile: the image does not hold ${inImage}, which the build bundles (scripts/bundle-cli.mjs)`);
    }
  }
  const cmd = execForm(last('CMD')?.args ?? '');
  if (cmd === undefined) problems.push('Dockerfile: CMD is not in exec form');
  else {
    problems.push(...checkServeArgs(cmd, env, 'Dockerfile CMD'));
    const exposed = Number(last('EXPOSE')?.args);
    if (servePort(cmd, env) !== exposed) problems.push(`Dockerfile: EXPOSE ${exposed} is not the port serve listens on (${servePort(cmd, env)})`);
  }
  for (const name of Object.keys(env)) if (name.startsWith('SWITCHBOARD_') && !isReadByMain(name)) problems.push(`Dockerfile: ENV ${name} is not read by Switchboard`);
  const volumes = final.instructions.filter((i) => i.keyword === 'VOLUME').flatMap((i) => execForm(i.args) ?? i.args.split(/\s+/));
  if (env.SWITCHBOARD_DATA_DIR === undefined || !volumes.includes(env.SWITCHBOARD_DATA_DIR)) problems.push('Dockerfile: SWITCHBOARD_DATA_DIR is not a VOLUME');
  if (!/\/health\/liveliness/.test(last('HEALTHCHECK')?.args ?? '')) problems.push('Dockerfile: no HEALTHCHECK on /health/liveliness');
  return problems;
}

/** The liveness URL path and port the Dockerfile's HEALTHCHECK asks for. */
export function healthcheckTarget(stages: DockerStage[]): { path: string; port: number } | undefined {
  const args = stages.at(-1)?.instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1)?.args ?? '';
  const match = /127\.0\.0\.1:' \+ \(process\.env\.SWITCHBOARD_PORT \|\| (\d+)\) \+ '(\/[\w/]+)'/.exec(args);
  return match === null ? undefined : { port: Number(match[1]), path: match[2]! };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Compose's ${NAME}, ${NAME:?message} and ${NAME:-default}, filled from the env file. */
export function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::?[?-]([^}]*))?\}/g, (_all, name: string, fallback: string | undefined) => vars[name] ?? fallback ?? '');
}

/** KEY=value lines of an env file. */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const match of text.matchAll(/^\s*([A-Z_][A-Z0-9_]*)=(.*)$/gm)) values[match[1]!] = match[2]!.trim();
  return values;
}

/** Seconds from Compose's duration ("30s", "1m30s"). */
function composeSeconds(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(h|m|s|ms)/g)) total += Number(match[1]) * { h: 3600, m: 60, s: 1, ms: 0.001 }[match[2] as 'h' | 'm' | 's' | 'ms'];
  return total;
}

/** The Switchboard services of a compose file: those built from the repository's Dockerfile. */
export function switchboardServices(compose: Json): [string, Json][] {
  return Object.entries(compose.services ?? {}).filter(([, service]) => (service as Json).build?.dockerfile === 'Dockerfile') as [string, Json][];
}

/** deploy/compose.yaml with nginx.conf, .env.example (standing in for .env) and config.yaml. */
export function checkCompose(compose: Json, files: { nginx: string; envExample: string; config: string }): string[] {
  const problems: string[] = [];
  const envFile = parseEnvFile(files.envExample);
  problems.push(...checkNoLiteralSecrets(envFile, 'deploy/.env.example'));
  const services = switchboardServices(compose);
  if (services.length < 2) problems.push(`compose: ${services.length} Switchboard replica(s); team mode needs at least 2`);
  const urls = new Set<string>();
  const upstreams = new Set<string>();
  for (const [name, service] of services) {
    const where = `compose service ${name}`;
    const environment = (service.environment ?? {}) as Record<string, string>;
    problems.push(...checkNoLiteralSecrets(environment, where));
    for (const secret of Object.keys(envFile)) if (secret in environment) problems.push(`${where}: ${secret} is written in compose.yaml; it belongs in .env`);
    if (service.env_file !== '.env') problems.push(`${where}: secrets are not read from .env (env_file)`);
    const env: Record<string, string> = { ...envFile, ...Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, interpolate(String(value), envFile)])) };
    urls.add(env.DATABASE_URL ?? '(none)');
    const args = (service.command ?? []) as string[];
    problems.push(...checkServeArgs(args, env, where));
    const port = servePort(args, env);
    if (!(service.expose ?? []).map(String).includes(String(port))) problems.push(`${where}: exposes ${JSON.stringify(service.expose)}, not serve's port ${port}`);
    upstreams.add(`${name}:${port}`);
    const mount = ((service.volumes ?? []) as string[]).find((volume) => volume.split(':')[1] === env.SWITCHBOARD_CONFIG);
    if (mount === undefined || mount.split(':')[0] !== './config.yaml') problems.push(`${where}: SWITCHBOARD_CONFIG (${env.SWITCHBOARD_CONFIG}) is not deploy/config.yaml mounted`);
    // The env file also fills compose.yaml's ${NAME}s (the database password): not the config's business.
    const interpolated = [...JSON.stringify(compose).matchAll(/\$\{(\w+)/g)].map((match) => match[1]!);
    problems.push(...checkGatewayEnv(env, files.config, where, interpolated));
    problems.push(...checkShutdownBudget(env, composeSeconds(service.stop_grace_period), where));
    const hosts = allowedHosts(env);
    for (const host of hosts.filter((h) => h.startsWith('(invalid'))) problems.push(`${where}: SWITCHBOARD_ALLOWED_HOSTS entry ${host}`);
    const dbHost = databaseHost(env, files.config);
    const database = dbHost === undefined ? undefined : (compose.services?.[dbHost] as Json | undefined);
    if (dbHost === undefined) problems.push(`${where}: no PostgreSQL database selected (DATABASE_URL, general_settings.database_url)`);
    else if (database === undefined) problems.push(`${where}: the database URL names host ${dbHost}, which is no service`);
    else {
      if (database.healthcheck === undefined) problems.push(`compose service ${dbHost}: no healthcheck`);
      if (!(database.volumes ?? []).length) problems.push(`compose service ${dbHost}: no volume for its data`);
      if (service.depends_on?.[dbHost]?.condition !== 'service_healthy') problems.push(`${where}: does not wait for ${dbHost} to be healthy`);
    }
  }
  if (urls.size > 1) problems.push(`compose: the replicas use ${urls.size} different DATABASE_URLs; they must share one`);
  const servers = new Set(nginxUpstreamServers(files.nginx));
  for (const upstream of upstreams) if (!servers.has(upstream)) problems.push(`nginx.conf: no upstream server ${upstream}`);
  for (const server of servers) if (!upstreams.has(server)) problems.push(`nginx.conf: upstream server ${server} is no Switchboard replica`);
  return problems;
}

/** Every document of deploy/k8s, by kind/name. */
export function k8sObjects(files: Record<string, unknown[]>): Map<string, Json> {
  const objects = new Map<string, Json>();
  for (const documents of Object.values(files)) for (const object of documents as Json[]) if (object?.kind) objects.set(`${object.kind}/${object.metadata?.name}`, object);
  return objects;
}

/** deploy/k8s against the code and itself. */
export function checkK8s(files: Record<string, unknown[]>): string[] {
  const problems: string[] = [];
  const objects = k8sObjects(files);
  const kustomization = (files['kustomization.yaml'] ?? [])[0] as Json | undefined;
  const namespace = kustomization?.namespace as string | undefined;
  for (const resource of (kustomization?.resources ?? []) as string[]) if (files[resource] === undefined) problems.push(`kustomization.yaml: resource ${resource} does not exist`);
  const deployment = objects.get('Deployment/switchboard');
  const service = objects.get('Service/switchboard');
  if (deployment === undefined || service === undefined || namespace === undefined) return [...problems, 'k8s: no Deployment and Service named switchboard, or no namespace in kustomization.yaml'];
  const pod = deployment.spec?.template?.spec as Json;
  const container = (pod?.containers ?? []).find((c: Json) => c.name === 'switchboard') as Json;
  if ((deployment.spec?.replicas ?? 1) < 2) problems.push('Deployment: fewer than 2 replicas');
  if (kustomization?.images?.[0]?.name !== container.image?.split(':')[0]) problems.push(`kustomization.yaml: images does not name the Deployment's image ${container.image}`);

  // The environment a pod gets: literal values, and the example Secret's values for its references.
  const secrets = new Map<string, Json>([...objects].filter(([key]) => key.startsWith('Secret/')).map(([, secret]) => [secret.metadata.name, secret.stringData ?? {}]));
  for (const [name, data] of secrets) problems.push(...checkNoLiteralSecrets(data as Record<string, string>, `Secret ${name}`));
  const env: Record<string, string> = {};
  for (const variable of (container.env ?? []) as Json[]) {
    const ref = variable.valueFrom?.secretKeyRef as Json | undefined;
    if (ref === undefined) env[variable.name] = String(variable.value);
    else if (secrets.get(ref.name)?.[ref.key] !== undefined) env[variable.name] = secrets.get(ref.name)![ref.key];
    else if (!ref.optional) problems.push(`Deployment: ${variable.name} refers to ${ref.name}/${ref.key}, which the Secret does not hold`);
    if (ref === undefined && SECRET_NAME.test(variable.name)) problems.push(`Deployment: ${variable.name} is a literal value, not a Secret reference`);
  }
  const args = (container.args ?? []) as string[];
  problems.push(...checkServeArgs(args, env, 'Deployment args'));
  const port = servePort(args, env);
  const httpPort = (container.ports ?? []).find((p: Json) => p.name === 'http')?.containerPort;
  if (httpPort !== port) problems.push(`Deployment: containerPort ${httpPort} is not serve's port ${port}`);
  const targetPort = service.spec?.ports?.[0]?.targetPort;
  if (targetPort !== 'http' && targetPort !== port) problems.push(`Service: targetPort ${targetPort} does not reach serve's port`);
  const labels = pod && deployment.spec.template.metadata?.labels;
  for (const [key, value] of Object.entries(service.spec?.selector ?? {})) if (labels?.[key] !== value) problems.push(`Service: selector ${key}=${value} matches no pod of the Deployment`);

  // The config: from the ConfigMap mounted where --config points.
  const configPath = args[args.indexOf('--config') + 1] ?? '';
  const mount = (container.volumeMounts ?? []).find((m: Json) => configPath.startsWith(`${m.mountPath}/`)) as Json | undefined;
  const volume = (pod.volumes ?? []).find((v: Json) => v.name === mount?.name) as Json | undefined;
  const configMap = objects.get(`ConfigMap/${volume?.configMap?.name}`);
  const configText = configMap?.data?.[posix.basename(configPath)] as string | undefined;
  if (configText === undefined) return [...problems, `Deployment: --config ${configPath} is not a ConfigMap entry mounted there`];
  problems.push(...checkGatewayEnv(env, configText, 'Deployment'));
  problems.push(...checkShutdownBudget(env, pod.terminationGracePeriodSeconds, 'Deployment'));
  const dbHost = databaseHost(env, configText);
  if (dbHost !== undefined && !objects.has(`Service/${dbHost}`) && !dbHost.includes('.')) problems.push(`Deployment: the database URL names host ${dbHost}, which is no Service here`);

  // Host names: the Service's short and full names, every Ingress host, and the probes' Host.
  const hosts = allowedHosts(env);
  const needed = [service.metadata.name, `${service.metadata.name}.${namespace}.svc.cluster.local`];
  for (const ingress of [...objects].filter(([key]) => key.startsWith('Ingress/')).map(([, value]) => value)) for (const rule of ingress.spec?.rules ?? []) needed.push(rule.host);
  for (const host of needed) if (!hosts.includes(host)) problems.push(`Deployment: SWITCHBOARD_ALLOWED_HOSTS lacks ${host}`);
  for (const host of hosts.filter((h) => h.startsWith('(invalid'))) problems.push(`Deployment: SWITCHBOARD_ALLOWED_HOSTS entry ${host}`);
  const probes = { readinessProbe: '/health/readiness', livenessProbe: '/health/liveliness' } as const;
  for (const [probe, path] of Object.entries(probes)) {
    const get = container[probe]?.httpGet as Json | undefined;
    if (get?.path !== path) problems.push(`Deployment: ${probe} is not GET ${path}`);
    if (get?.port !== 'http' && get?.port !== port) problems.push(`Deployment: ${probe} does not probe serve's port`);
  }

  // Hardening: non-root, read-only root filesystem with writable emptyDirs for /tmp and the data dir.
  if (pod.securityContext?.runAsNonRoot !== true || pod.securityContext?.runAsUser === 0) problems.push('Deployment: the pod may run as root (runAsNonRoot)');
  if (container.securityContext?.readOnlyRootFilesystem !== true) problems.push('Deployment: the root filesystem is writable');
  if (container.securityContext?.allowPrivilegeEscalation !== false) problems.push('Deployment: privilege escalation is allowed');
  const emptyDirs = new Set((pod.volumes ?? []).filter((v: Json) => v.emptyDir !== undefined).map((v: Json) => v.name));
  const writable = (path: string) => (container.volumeMounts ?? []).some((m: Json) => emptyDirs.has(m.name) && (path === m.mountPath || path.startsWith(`${m.mountPath}/`)));
  for (const path of ['/tmp', env.SWITCHBOARD_DATA_DIR ?? '(SWITCHBOARD_DATA_DIR unset)']) if (!writable(path)) problems.push(`Deployment: ${path} is not on a writable emptyDir`);
  if (container.resources?.requests?.cpu === undefined || container.resources?.requests?.memory === undefined) problems.push('Deployment: no cpu and memory requests');

  const postgres = objects.get('StatefulSet/postgres');
  if (postgres !== undefined && !(postgres.spec?.volumeClaimTemplates ?? []).length) problems.push('StatefulSet postgres: no volume claim for its data');
  return problems;
}

/** The probes of the Deployment with the environment and config they meet, for probeStatus. */
export function k8sProbes(files: Record<string, unknown[]>): { path: string; host: string; env: Record<string, string>; config: string }[] {
  const objects = k8sObjects(files);
  const pod = objects.get('Deployment/switchboard')!.spec.template.spec as Json;
  const container = pod.containers[0] as Json;
  const secret = objects.get('Secret/switchboard-secrets')!.stringData as Record<string, string>;
  const env = Object.fromEntries((container.env as Json[]).map((v) => [v.name, v.value ?? secret[v.valueFrom.secretKeyRef.key]]));
  const config = objects.get('ConfigMap/switchboard-config')!.data['config.yaml'] as string;
  return ['readinessProbe', 'livenessProbe'].map((probe) => {
    const get = container[probe].httpGet as Json;
    const host = (get.httpHeaders ?? []).find((h: Json) => h.name.toLowerCase() === 'host')?.value ?? '10.0.0.7';
    return { path: get.path, host, env, config };
  });
}

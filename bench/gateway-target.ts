// A Switchboard gateway as a bench target, started the way a user starts it: the real CLI
// (`node bin/switchboard.js serve`) in its own process, with a generated config.yaml pointing at
// the mock upstream and auth on (SWITCHBOARD_MASTER_KEY). Variants (virtual keys, routing
// groups) are new calls of gatewayTarget with their own config, client headers, and the name of
// the gateway target they are compared against. Usage recording is always on in `serve`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { profileFlags, slugOf, type BenchContext, type BenchTarget, type TargetFindings, type WireFormat } from './bench-target.js';
import { chatRequest, BENCH_MODEL } from './chat-request.js';
import { responsesRequest } from './responses-request.js';
import { ollamaRequest } from './ollama-request.js';
import { anthropicRequest } from './anthropic-request.js';

/** A started gateway, as the scenario hooks see it. */
export interface GatewayHandle {
  origin: string;
  masterKey: string;
  dataDir: string;
}

export interface GatewayTargetOptions {
  name: string;
  /** config.yaml text for a given mock upstream origin (e.g. http://127.0.0.1:PORT). */
  configYaml(mockOrigin: string): string;
  masterKey: string;
  /** The model the client asks for. */
  model?: string;
  /** The API the client speaks (default chat completions; 'responses' = POST /v1/responses; 'ollama' = POST /api/chat). */
  wireFormat?: WireFormat;
  /** The auth headers the load generator sends; by default the master key as a Bearer token. */
  clientHeaders?(gateway: GatewayHandle): Promise<Record<string, string>>;
  /** Extra environment for the gateway process. */
  env?: Record<string, string>;
  /** The gateway target this variant is compared against (by name). */
  comparedTo?: string;
  /** Time start-to-first-answer (default true); a variant that starts the same way can skip it. */
  measureStartup?: boolean;
  /** Proof, before any timing, that the scenario is what it claims (throws if not). */
  verify?(gateway: GatewayHandle, clientHeaders: Record<string, string>): Promise<void>;
  /** After the load: what the gateway recorded, given the requests the bench sent it. */
  afterLoad?(gateway: GatewayHandle, requestsSent: number): Promise<TargetFindings>;
}

export const BENCH_MASTER_KEY = 'sk-bench-master-key-0123456789';

/** One deployment of the mock under BENCH_MODEL: the plain single-deployment gateway. */
export function singleDeploymentConfig(mockOrigin: string): string {
  return `model_list:
  - model_name: ${BENCH_MODEL}
    litellm_params:
      model: openai/${BENCH_MODEL}
      api_base: "${mockOrigin}/v1"
      api_key: "sk-bench-upstream"
`;
}

/**
 * The mock behind a chat-only OpenAI-compatible provider (hosted_vllm/): a Responses request is
 * bridged to chat completions and its answer translated back.
 */
export function chatOnlyDeploymentConfig(mockOrigin: string): string {
  return singleDeploymentConfig(mockOrigin).replace(`model: openai/${BENCH_MODEL}`, `model: hosted_vllm/${BENCH_MODEL}`);
}

/** The deployment ids of groupConfig's model group, in config order. */
export const GROUP_DEPLOYMENT_IDS = ['bench-deployment-a', 'bench-deployment-b'] as const;

/**
 * Two deployments of the mock under one model_name (a model group, default routing strategy):
 * the same upstream twice, so any difference from the single deployment is the router's.
 */
export function twoDeploymentGroupConfig(mockOrigin: string): string {
  return `model_list:
${GROUP_DEPLOYMENT_IDS.map((id) => `  - model_name: ${BENCH_MODEL}
    litellm_params:
      model: openai/${BENCH_MODEL}
      api_base: "${mockOrigin}/v1"
      api_key: "sk-bench-upstream"
    model_info:
      id: ${id}
`).join('')}`;
}

export function gatewayTarget(options: GatewayTargetOptions): BenchTarget {
  return {
    name: options.name,
    role: 'gateway',
    ...(options.comparedTo === undefined ? {} : { comparedTo: options.comparedTo }),
    async start(context: BenchContext) {
      const root = join(context.workDir, slugOf(options.name));
      mkdirSync(root, { recursive: true });
      const configFile = join(root, 'config.yaml');
      writeFileSync(configFile, options.configYaml(context.mockOrigin));
      const cli = join(context.repoRoot, 'bin', 'switchboard.js');
      const env = gatewayEnv(options);
      const dataDir = join(root, 'data');

      // Tethered to the bench over IPC (see exit-with-parent.ts); the startup probes below are not,
      // so that what they time is the CLI alone.
      const tether = ['--import', pathToFileURL(join(context.benchDir, 'exit-with-parent.js')).href];
      const server = await context.registry.spawnServer(options.name, {
        args: [...tether, ...profileFlags(context, options.name), cli, 'serve', '--config', configFile, '--port', '0', '--data-dir', dataDir],
        env,
        ipc: true,
        cwd: context.repoRoot,
        readyPattern: /Switchboard listening on (http:\/\/\S+)/,
        timeoutMs: 15_000,
      });
      const gateway: GatewayHandle = { origin: server.origin, masterKey: options.masterKey, dataDir };
      let headers: Record<string, string> | undefined = options.clientHeaders ? undefined : { authorization: `Bearer ${options.masterKey}` };
      const buildRequest = options.wireFormat === 'responses' ? responsesRequest : options.wireFormat === 'ollama' ? ollamaRequest : options.wireFormat === 'anthropic' ? anthropicRequest : chatRequest;
      const startupDataDir = join(root, 'startup-data');
      const { afterLoad } = options;
      return {
        origin: server.origin,
        pid: server.pid,
        // Not in start(): what it sends would count against the idle memory read right after.
        async prepare() {
          headers ??= await options.clientHeaders!(gateway);
          await options.verify?.(gateway, headers);
        },
        buildRequest: (kind) => {
          if (!headers) throw new Error(`${options.name}: prepare() must run before the first request`);
          return buildRequest(kind, headers, options.model ?? BENCH_MODEL);
        },
        wireFormat: options.wireFormat ?? 'chat',
        sampleHeader: 'x-switchboard-overhead-ms',
        ...(options.measureStartup === false ? {} : {
          startup: {
            path: '/health/liveliness',
            spawnFor: (port: number) => ({
              args: [cli, 'serve', '--config', configFile, '--port', String(port), '--data-dir', startupDataDir],
              env,
              cwd: context.repoRoot,
            }),
          },
        }),
        ...(afterLoad ? { afterLoad: (sent: number) => afterLoad(gateway, sent) } : {}),
        stop: () => context.registry.stop(server.process, 10_000),
      };
    },
  };
}

/** The parent's environment minus any Switchboard/LiteLLM settings, plus the bench's own. */
function gatewayEnv(options: GatewayTargetOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // DATABASE_URL too: inherited, it would move every SQLite row onto someone's PostgreSQL.
    if (!name.startsWith('SWITCHBOARD_') && !name.startsWith('LITELLM_') && name !== 'DATABASE_URL') env[name] = value;
  }
  return { ...env, SWITCHBOARD_MASTER_KEY: options.masterKey, ...options.env };
}

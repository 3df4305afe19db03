// Builds a gateway for tests from YAML text, with a silent (or captured) logger, and listens on
// 127.0.0.1:0 when asked. Everything stays on loopback.
import pino from 'pino';
import { Writable } from 'node:stream';
import { parseConfigText } from '../../main/config/load-config.js';
import { createServer, type Gateway, type ServerDeps } from '../../main/gateway/create-server.js';

export interface TestGateway extends Gateway {
  /** 'http://127.0.0.1:PORT' once listening. */
  url: string;
  port: number;
  /** Every log line written, for secret canaries. */
  logs: string[];
}

export async function startTestGateway(
  yaml: string,
  options: { listen?: boolean; masterKey?: string; env?: NodeJS.ProcessEnv } & Partial<Omit<ServerDeps, 'config' | 'log'>> = {},
): Promise<TestGateway> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const log = pino({ level: 'debug' }, sink);
  const config = parseConfigText(yaml, 'test.yaml', options.env ?? {});
  const gateway = await createServer({ ...options, config, log, masterKey: options.masterKey, port: options.port ?? 80 });
  let url = 'http://localhost:80';
  let port = 80;
  if (options.listen) {
    await gateway.app.listen({ host: '127.0.0.1', port: 0 });
    const address = gateway.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
    url = `http://127.0.0.1:${port}`;
  }
  return Object.assign(gateway, { url, port, logs });
}

export function openAIModelYaml(name: string, apiBase: string, extra = ''): string {
  return `model_list:
  - model_name: ${name}
    litellm_params:
      model: openai/${name}
      api_base: ${apiBase}
      api_key: sk-upstream-test-key
${extra}`;
}

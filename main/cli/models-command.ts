// `switchboard models` lists what the gateway serves (GET /model/info); `models test NAME` sends
// one tiny chat through POST /model/test and prints the answer and latency, or the error.
// Credentials show only as where they live (os.environ/NAME, keychain/NAME), as the API gives them.
import type { ModelInfoList, ModelTestResult } from '../../shared/api/model-schemas.js';
import type { CommandIO } from './command-io.js';
import type { Connection } from './connect-to-gateway.js';
import { formatTable } from './format-table.js';

export async function listModelsCommand({ client }: Connection, io: CommandIO): Promise<number> {
  const { data } = await client.get<ModelInfoList>('/model/info');
  if (data.length === 0) {
    io.out('No models are configured: add one in the dashboard or in the config file.\n');
    return 0;
  }
  io.out(formatTable(
    [{ title: 'NAME' }, { title: 'MODEL' }, { title: 'API BASE' }, { title: 'SOURCE' }],
    data.map((entry) => {
      const info = entry.model_info as Record<string, unknown>;
      const source = typeof info.source_file === 'string' && info.source_file !== '<default>' ? info.source_file : String(info.source ?? '');
      return [entry.model_name, String(entry.litellm_params.model), String(entry.litellm_params.api_base ?? ''), source === 'database' ? 'dashboard' : source];
    }),
  ));
  return 0;
}

export async function testModelCommand({ client }: Connection, model: string, io: CommandIO): Promise<number> {
  const result = await client.post<ModelTestResult>('/model/test', { model });
  if (result.ok) {
    io.out(`${result.model}: ${JSON.stringify(result.answer ?? '')} (${result.latency_ms} ms)\n`);
    return 0;
  }
  io.err(`switchboard: ${result.model} failed after ${result.latency_ms} ms: ${result.error ?? 'no answer'}\n`);
  return 1;
}

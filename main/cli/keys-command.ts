// `switchboard keys list|create|revoke` over the LiteLLM-style /key/* routes. The list shows
// each key masked (its key_name, e.g. sk-...abcd) and its id; create prints the new key exactly
// once, on stdout, on a line of its own; revoke deletes by alias or by key id.
import type { GeneratedKey, KeyDeleteResult, KeyDescription, KeyList } from '../../shared/api/key-schemas.js';
import { usdToMicros } from '../../shared/usd-to-micros.js';
import { formatUsd } from '../../shared/format-usd.js';
import type { ClientAction } from './parse-client-args.js';
import type { CommandIO } from './command-io.js';
import type { Connection } from './connect-to-gateway.js';
import { CliFailure } from './gateway-client.js';
import { formatTable } from './format-table.js';

const PAGE_SIZE = 100;

export async function listKeysCommand({ client }: Connection, io: CommandIO): Promise<number> {
  const keys: KeyDescription[] = [];
  for (let page = 1; ; page++) {
    const list = await client.get<KeyList>(`/key/list?page=${page}&size=${PAGE_SIZE}`);
    keys.push(...list.keys);
    if (page >= list.total_pages) break;
  }
  if (keys.length === 0) {
    io.out('No keys yet. Create one with `switchboard keys create --alias NAME`.\n');
    return 0;
  }
  io.out(formatTable(
    [{ title: 'ALIAS' }, { title: 'KEY' }, { title: 'ID' }, { title: 'MODELS' }, { title: 'SPEND', align: 'right' }, { title: 'BUDGET', align: 'right' }, { title: 'RPM', align: 'right' }, { title: 'LAST USED' }],
    keys.map((key) => [
      key.key_alias ?? '',
      key.key_name + (key.blocked ? ' (blocked)' : ''),
      key.key_id,
      key.models.length === 0 ? 'all' : key.models.join(','),
      formatUsd(usdToMicros(key.spend)),
      key.max_budget === null ? '-' : formatUsd(usdToMicros(key.max_budget)),
      key.rpm_limit === null ? '-' : String(key.rpm_limit),
      key.last_active ?? 'never',
    ]),
  ));
  return 0;
}

export async function createKeyCommand({ client }: Connection, action: ClientAction & { command: 'keys-create' }, io: CommandIO): Promise<number> {
  const created = await client.post<GeneratedKey>('/key/generate', {
    key_alias: action.alias,
    ...(action.models === undefined ? {} : { models: action.models }),
    ...(action.maxBudgetUsd === undefined ? {} : { max_budget: action.maxBudgetUsd }),
    ...(action.rpm === undefined ? {} : { rpm_limit: action.rpm }),
  });
  const limits = [
    action.models === undefined ? 'every model' : `models ${action.models.join(', ')}`,
    ...(action.maxBudgetUsd === undefined ? [] : [`budget ${formatUsd(usdToMicros(action.maxBudgetUsd))}`]),
    ...(action.rpm === undefined ? [] : [`${action.rpm} requests/min`]),
  ];
  io.out(`Created key "${created.key_alias ?? action.alias}" (${created.key_id}; ${limits.join(', ')}):\n${created.key}\nCopy it now: Switchboard shows it only this once.\n`);
  return 0;
}

export async function revokeKeyCommand({ client }: Connection, ref: string, io: CommandIO): Promise<number> {
  const byId = /^key_/.test(ref);
  const result = await client.post<KeyDeleteResult>('/key/delete', byId ? { keys: [ref] } : { key_aliases: [ref] });
  if (result.deleted_keys.length === 0) throw new CliFailure(`no key ${byId ? 'with id' : 'with the alias'} "${ref}" (see \`switchboard keys list\`)`);
  io.out(`Revoked ${result.deleted_keys.length === 1 ? 'key' : `${result.deleted_keys.length} keys`} ${result.deleted_keys.join(', ')}${byId ? '' : ` ("${ref}")`}: requests with it now get 401.\n`);
  return 0;
}

// A member's Models page, read-only: the model groups its key may call (the gateway answers
// /model/info with only those) and their prices. Adding, editing, testing and provider keys are
// the admin's; the page says so rather than offering them.
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import { LoadState } from '../../components/LoadState.js';
import { TableWrap } from '../../components/TableWrap.js';
import { formatPerMillion } from '../../format/format-per-million.js';

export function MemberModelsPage({ api }: { api: ApiClient }) {
  const models = useApi(() => api.listModels(), [api]);
  return (
    <section className="card" aria-labelledby="member-models-title">
      <h2 id="member-models-title">Models you can use</h2>
      <p className="muted small">The models your keys may call. Only the admin adds or changes models.</p>
      <LoadState loadable={models} label="models" isEmpty={(m) => m.data.length === 0} empty={<p>No model is open to your keys. Ask the admin for access.</p>}>
        {(m) => (
          <TableWrap label="Models you can use">
            <table className="table">
              <caption className="visually-hidden">Model groups your keys may call</caption>
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Deployment</th>
                  <th scope="col">Price in / out (per 1M tokens)</th>
                </tr>
              </thead>
              <tbody>
                {m.data.map((entry) => (
                  <tr key={entry.model_info.id}>
                    <th scope="row">{entry.model_name}</th>
                    <td className="small">{entry.litellm_params.model}</td>
                    <td className="small">
                      {formatPerMillion(entry.model_info.input_cost_per_token)} / {formatPerMillion(entry.model_info.output_cost_per_token)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </LoadState>
    </section>
  );
}

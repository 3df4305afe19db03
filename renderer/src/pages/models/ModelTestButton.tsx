// "Test": one tiny chat through the gateway's /model/test; shows the answer (as text) and the
// latency, or why it failed.
import { useState } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import type { ModelTestResult } from '../../../../shared/api/model-schemas.js';
import { formatLatency } from '../../format/format-latency.js';

export function ModelTestButton({ api, deploymentId, label }: { api: ApiClient; deploymentId: string; label: string }) {
  const [state, setState] = useState<{ status: 'idle' } | { status: 'running' } | { status: 'done'; result: ModelTestResult } | { status: 'failed'; message: string }>({ status: 'idle' });
  const run = async () => {
    setState({ status: 'running' });
    try {
      setState({ status: 'done', result: await api.testModel(deploymentId) });
    } catch (error) {
      setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <span className="test">
      <button type="button" className="button-small" onClick={() => void run()} disabled={state.status === 'running'} aria-label={`Test ${label}`}>
        {state.status === 'running' ? 'Testing…' : 'Test'}
      </button>
      <span className="test-result" aria-live="polite">
        {state.status === 'done' && state.result.ok ? (
          <span className="ok">
            ✓ {formatLatency(state.result.latency_ms)} <q className="answer">{state.result.answer ?? ''}</q>
          </span>
        ) : null}
        {state.status === 'done' && !state.result.ok ? <span className="bad">✗ {state.result.error}</span> : null}
        {state.status === 'failed' ? <span className="bad">✗ {state.message}</span> : null}
      </span>
    </span>
  );
}

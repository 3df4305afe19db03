// The first-run path: three steps (add a model, create a key, make a request), each linking to
// where it is done, shown until all three are done; and the one choice IDEs that speak only
// Ollama's API force (they send no key), explained where a new user reads first. "Add a model"
// is done only when a model answers: a configured default nobody runs is not a model yet.
export interface ModelReadiness {
  /** Deployments that answered the last health check. */
  healthy: number;
  /** Configured deployments that did not, with why (shown as text). */
  unanswered: readonly { model: string; error?: string | undefined }[];
}

export interface FirstRunGuideProps {
  models: ModelReadiness;
  hasKey: boolean;
  hasRequest: boolean;
}

export function FirstRunGuide({ models, hasKey, hasRequest }: FirstRunGuideProps) {
  const modelText =
    models.healthy === 0 && models.unanswered.length > 0
      ? `No model answers yet: ${models.unanswered.map((m) => (m.error ? `${m.model} (${m.error})` : m.model)).join('; ')}. Start its server, or add a model that runs.`
      : 'A local server (Ollama, LM Studio, vLLM) or a cloud provider.';
  const steps = [
    { done: models.healthy > 0, title: 'Add a model', text: modelText, href: '#/models', action: 'Go to Models' },
    { done: hasKey, title: 'Create a key for an app', text: 'Each app gets its own key, so its usage and budget are its own.', href: '#/keys', action: 'Go to Keys' },
    { done: hasRequest, title: 'Send a request', text: 'Paste the setup for your client below and make a first call.', href: '#setup', action: 'Show setup' },
  ];
  const next = steps.findIndex((s) => !s.done);
  return (
    <section className="card card-accent" aria-labelledby="first-run-title">
      <h2 id="first-run-title">Get started</h2>
      <ol className="steps">
        {steps.map((step, i) => (
          <li key={step.title} className={step.done ? 'step step-done' : i === next ? 'step step-next' : 'step'}>
            <span className="step-mark" aria-hidden="true">
              {step.done ? '✓' : i + 1}
            </span>
            <div>
              <div className="step-title">
                {step.title}
                {step.done ? <span className="visually-hidden"> (done)</span> : null}
              </div>
              <div className="muted small">{step.text}</div>
            </div>
            {!step.done ? (
              <a className={i === next ? 'button button-primary' : 'button'} href={step.href}>
                {step.action}
              </a>
            ) : null}
          </li>
        ))}
      </ol>
      <p className="muted small" id="first-run-ollama">
        Using GitHub Copilot Chat, JetBrains AI Assistant or Zed through their Ollama setting? They send no key. Either give the
        tool a key where it takes a header, or let apps on this machine use chosen models without one: then any program you run
        can spend on those models (it is still recorded under its own name).{' '}
        <a href="#/settings">Choose in Settings</a>
      </p>
    </section>
  );
}

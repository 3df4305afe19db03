// The one time a key is shown: the key as text, a copy button and a plain warning. Dismissing
// it forgets the key; Switchboard keeps only its hash.
import { useEffect, useRef } from 'react';
import { SecretValue } from '../../components/SecretValue.js';

export interface NewKeyNoticeProps {
  appName: string;
  secret: string;
  regenerated: boolean;
  onUseInSetup: () => void;
  onDone: () => void;
}

export function NewKeyNotice({ appName, secret, regenerated, onUseInSetup, onDone }: NewKeyNoticeProps) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <section ref={ref} tabIndex={-1} className="card card-warning" aria-labelledby="new-key-title" role="region">
      <h2 id="new-key-title">{regenerated ? `New key for ${appName}` : `Key for ${appName}`}</h2>
      <p className="strong">Copy this key now. It will not be shown again.</p>
      {regenerated ? <p className="small">The old key stopped working.</p> : null}
      <SecretValue value={secret} copyLabel={`Copy the key for ${appName}`} testId="new-key" />
      <div className="actions">
        <button type="button" onClick={onUseInSetup}>
          Show setup for this key
        </button>
        <button type="button" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </section>
  );
}

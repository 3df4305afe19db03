// A secret shown once (a new virtual key, a new admin key): the value as selectable text beside
// its copy button. The notices around it say what it is and that it will not be shown again.
import { CopyButton } from './CopyButton.js';

export interface SecretValueProps {
  value: string;
  /** The copy button's accessible name, e.g. "Copy the admin key". */
  copyLabel: string;
  testId: string;
}

export function SecretValue({ value, copyLabel, testId }: SecretValueProps) {
  return (
    <div className="secret">
      <code className="secret-value" data-testid={testId}>
        {value}
      </code>
      <CopyButton text={value} label={copyLabel} className="button-primary" />
    </div>
  );
}

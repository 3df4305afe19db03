// Which of the gateway's models a key, a team or an app may use: none ticked means every model.
// Models the holder names that the gateway no longer serves stay listed (ticked), so saving never
// drops them silently.
export interface ModelChecklistProps {
  legend: string;
  /** The gateway's model groups. */
  models: readonly string[];
  chosen: readonly string[];
  onChange: (chosen: string[]) => void;
  /** Shown while the gateway has no models, e.g. "No models yet: the key will be allowed every model." */
  noModelsText: string;
  /** What follows "Only a, b" once some are ticked: "." or "; other models are refused for this app." */
  onlyHintEnd: string;
}

export function ModelChecklist({ legend, models, chosen, onChange, noModelsText, onlyHintEnd }: ModelChecklistProps) {
  const choices = [...new Set([...models, ...chosen])];
  const toggle = (model: string) => onChange(chosen.includes(model) ? chosen.filter((m) => m !== model) : [...chosen, model]);
  return (
    <fieldset className="models-choice">
      <legend>{legend}</legend>
      {choices.length === 0 ? <p className="muted small">{noModelsText}</p> : null}
      <div className="checks">
        {choices.map((model) => (
          <label key={model} className="check">
            <input type="checkbox" checked={chosen.includes(model)} onChange={() => toggle(model)} /> {model}
          </label>
        ))}
      </div>
      <p className="hint">{chosen.length === 0 ? 'None ticked: every model, including ones added later.' : `Only ${chosen.join(', ')}${onlyHintEnd}`}</p>
    </fieldset>
  );
}

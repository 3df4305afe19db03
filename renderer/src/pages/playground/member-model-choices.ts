// The playground's model choices for a member's session: the model groups its key may call (the
// gateway answers /model/info with only those), the first one preselected where the admin's
// session would preselect the active alias, which a member's key may not read.
import type { ModelInfoList } from '../../../../shared/api/model-schemas.js';

export interface ModelChoices {
  /** The preselected model. */
  alias: string;
  /** What the alias points at now: none for a member. */
  model: string | null;
  /** The other choices. */
  models: string[];
}

export function memberModelChoices(list: ModelInfoList): ModelChoices {
  const groups = [...new Set(list.data.map((entry) => entry.model_name))];
  return { alias: groups[0] ?? 'switchboard/active', model: null, models: groups.slice(1) };
}

// Which Settings card the user is acting in. A card reports each action it starts (onAction) and
// shows its outcome notices only while it is `current`, so one card's "Saved." or error never
// lingers while another setting is being changed. Holds no state of its own.
export interface SettingsCardFocus {
  /** The user's last action was in this card. */
  current: boolean;
  /** Called when the user starts an action (an edit or a submit) in this card. */
  onAction: () => void;
}

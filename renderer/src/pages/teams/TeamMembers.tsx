// One team's members: each with their role (admin or member), their budget in the team and what
// they have spent in it, with role and budget changes and removal; and a form to add a member by
// user id or email (a user the gateway does not know yet is created, as LiteLLM's member_add does).
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useFormSubmission } from '../../components/use-form-submission.js';
import { describeField } from '../../components/describe-field.js';
import { FieldErrorText } from '../../components/FieldErrorText.js';
import { LoadState } from '../../components/LoadState.js';
import { SpendBar } from '../../components/SpendBar.js';
import { TableWrap } from '../../components/TableWrap.js';
import type { TeamDescription } from '../../../../shared/api/team-schemas.js';
import { EMPTY_MEMBER_FORM, parseBudgetInTeam, toMemberAddRequest, type MemberFormValues } from './member-form-values.js';
import { teamName } from './team-name.js';

export interface TeamMembersProps {
  api: ApiClient;
  team: TeamDescription;
  /** After a change: the team list shows members too. */
  onChanged: () => void;
  onClose: () => void;
}

export function TeamMembers({ api, team, onChanged, onClose }: TeamMembersProps) {
  const id = useId();
  // Members' spend moves with requests, like the team list's.
  const info = useApi(() => api.teamInfo(team.team_id), [api, team.team_id], { refreshMs: 5_000 });
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const name = teamName(team);
  // Opened from a row's "Members" (or a team just created): keyboard and screen-reader users are
  // taken to it rather than left at the button, with the rest of the table between them and it.
  const section = useRef<HTMLElement>(null);
  useEffect(() => section.current?.focus(), []);

  const act = async (run: () => Promise<string>) => {
    setMessage(null);
    setActionError(null);
    try {
      setMessage(await run());
      info.reload();
      onChanged();
    } catch (e) {
      setActionError(e);
    }
  };

  return (
    <section ref={section} tabIndex={-1} className="card" aria-labelledby={`${id}-title`}>
      <div className="card-head">
        <h2 id={`${id}-title`}>Members of {name}</h2>
        <button type="button" className="button-small" onClick={onClose}>
          Close
        </button>
      </div>
      <p role="status" className="muted small">
        {message ?? ''}
      </p>
      {actionError ? <ErrorNotice error={actionError} /> : null}
      <LoadState loadable={info} label="members" isEmpty={(i) => i.team_info.members_with_roles.length === 0} empty={<p>No members yet. Add one below; their keys in this team then count against their budget in it.</p>}>
        {(i) => {
          const memberships = new Map(i.team_memberships.map((m) => [m.user_id, m]));
          return (
            <TableWrap label={`Members of ${name}`}>
              <table className="table table-cards">
                <caption className="visually-hidden">Members of {name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Member</th>
                    <th scope="col">Role</th>
                    <th scope="col">Spend in team</th>
                    <th scope="col">Budget in team</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {i.team_info.members_with_roles.map((member) => {
                    const who = member.user_email ?? member.user_id;
                    const membership = memberships.get(member.user_id);
                    const budget = membership?.max_budget_in_team ?? null;
                    return (
                      <tr key={member.user_id}>
                        <th scope="row" className="strong">
                          {who}
                          {member.user_email !== null ? <div className="muted small">{member.user_id}</div> : null}
                        </th>
                        <td data-label="Role">
                          <label className="visually-hidden" htmlFor={`${id}-role-${member.user_id}`}>
                            Role of {who}
                          </label>
                          <select
                            id={`${id}-role-${member.user_id}`}
                            value={member.role}
                            onChange={(e) => {
                              const role = e.target.value as 'admin' | 'user';
                              void act(async () => {
                                await api.updateTeamMember({ team_id: team.team_id, user_id: member.user_id, role });
                                return `${who} is now ${role === 'admin' ? 'a team admin' : 'a member'} of ${name}.`;
                              });
                            }}
                          >
                            <option value="user">Member</option>
                            <option value="admin">Team admin</option>
                          </select>
                        </td>
                        <td className="small" data-label="Spend in team">
                          <SpendBar spend={membership?.spend ?? 0} maxBudget={budget ?? team.team_member_budget} softBudget={null} />
                          {budget === null && team.team_member_budget !== null ? <span className="muted">the team's default budget</span> : null}
                        </td>
                        <td data-label="Budget in team">
                          <MemberBudget
                            key={`${member.user_id}-${budget ?? ""}`}
                            who={who}
                            budget={budget}
                            onSave={(value) =>
                              act(async () => {
                                await api.updateTeamMember({ team_id: team.team_id, user_id: member.user_id, max_budget_in_team: value });
                                return value === null ? `${who} has no budget of their own in ${name} now.` : `Saved ${who}'s budget in ${name}.`;
                              })
                            }
                          />
                        </td>
                        <td>
                          <div className="row-actions">
                            <ConfirmButton
                              label="Remove"
                              ariaLabel={`Remove ${who} from ${name}`}
                              question={`Remove ${who} from ${name}? Their keys stay.`}
                              onConfirm={() =>
                                act(async () => {
                                  await api.removeTeamMember(team.team_id, member.user_id);
                                  return `Removed ${who} from ${name}.`;
                                })
                              }
                            />
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableWrap>
          );
        }}
      </LoadState>
      <AddMemberForm
        teamName={name}
        onAdd={async (values) => {
          const request = toMemberAddRequest(team.team_id, values);
          await api.addTeamMember(request);
          setActionError(null);
          setMessage(`Added ${values.user.trim()} to ${name}.`);
          info.reload();
          onChanged();
        }}
      />
    </section>
  );
}

function MemberBudget({ who, budget, onSave }: { who: string; budget: number | null; onSave: (value: number | null) => Promise<void> }) {
  const id = useId();
  const [text, setText] = useState(budget === null ? '' : String(budget));
  const [invalid, setInvalid] = useState(false);
  const save = (event: FormEvent) => {
    event.preventDefault();
    const value = parseBudgetInTeam(text);
    setInvalid(value === undefined);
    if (value !== undefined) void onSave(value);
  };
  return (
    <form className="inline-form" onSubmit={save}>
      <label className="visually-hidden" htmlFor={`${id}-budget`}>
        Budget in team for {who} (USD)
      </label>
      <input id={`${id}-budget`} className="input-small" value={text} onChange={(e) => { setText(e.target.value); setInvalid(false); }} inputMode="decimal" placeholder="team default" aria-invalid={invalid || undefined} aria-describedby={invalid ? `${id}-err` : undefined} />
      <button type="submit" className="button-small" aria-label={`Save budget for ${who}`}>
        Save
      </button>
      {invalid ? (
        <p id={`${id}-err`} className="field-error" role="alert">
          A budget is a number of dollars, 0 or more; empty for the team's default.
        </p>
      ) : null}
    </form>
  );
}

function AddMemberForm({ teamName: name, onAdd }: { teamName: string; onAdd: (values: MemberFormValues) => Promise<void> }) {
  const id = useId();
  const { values, set, busy, error, fieldError, submit } = useFormSubmission(EMPTY_MEMBER_FORM, async (submitted) => {
    await onAdd(submitted);
    // The next member is likely named the same way: keep "find by".
    return { ...EMPTY_MEMBER_FORM, by: submitted.by };
  });
  const errorFor = (field: keyof MemberFormValues) => <FieldErrorText formId={id} fieldError={fieldError} field={field} />;
  const describedBy = (field: keyof MemberFormValues, hint?: string) => describeField(id, fieldError, field, hint);
  return (
    <form className="form member-add" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Add a member to {name}</h3>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-by`}>Find the user by</label>
          <select id={`${id}-by`} value={values.by} onChange={(e) => set('by', e.target.value as MemberFormValues['by'])}>
            <option value="user_id">User id</option>
            <option value="user_email">Email</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-user`}>{values.by === 'user_email' ? 'Email' : 'User id'}</label>
          <input id={`${id}-user`} value={values.user} onChange={(e) => set('user', e.target.value)} {...(values.by === 'user_email' ? { type: 'email', autoComplete: 'off' } : {})} aria-invalid={fieldError?.field === 'user' || undefined} aria-describedby={describedBy('user', `${id}-user-hint`)} />
          <p id={`${id}-user-hint`} className="hint">
            A user the gateway does not know yet is created{values.by === 'user_email' ? ' with this email' : ' with this id'}.
          </p>
          {errorFor('user')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role in team</label>
          <select id={`${id}-role`} value={values.role} onChange={(e) => set('role', e.target.value as MemberFormValues['role'])}>
            <option value="user">Member</option>
            <option value="admin">Team admin</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-budget`}>Budget in team (USD)</label>
          <input id={`${id}-budget`} value={values.budget} onChange={(e) => set('budget', e.target.value)} inputMode="decimal" placeholder="team default" aria-invalid={fieldError?.field === 'budget' || undefined} aria-describedby={describedBy('budget')} />
          {errorFor('budget')}
        </div>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      <div className="actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add member'}
        </button>
      </div>
    </form>
  );
}

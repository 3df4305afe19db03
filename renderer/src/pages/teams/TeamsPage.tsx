// Teams (admin): every team with its members, models, spend against its budget and status;
// create and edit a team, block or unblock it, delete it (its keys go with it), and open a team's
// members to add, change or remove them. A team admin's session (`memberTeams`) shows the teams it
// admins and manages only their members, as the gateway allows it. Everything goes through LiteLLM's /team/* routes, and
// their errors are shown as the gateway words them.
import { useState } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { LoadState } from '../../components/LoadState.js';
import type { TeamDescription } from '../../../../shared/api/team-schemas.js';
import { TeamForm } from './TeamForm.js';
import { TeamMembers } from './TeamMembers.js';
import { TeamTable } from './TeamTable.js';
import { EMPTY_TEAM_FORM, teamFormFromDescription, toTeamNewRequest, toTeamUpdateFields } from './team-form-values.js';
import { teamName } from './team-name.js';
import type { ViewerTeam } from '../../session/viewer.js';

export interface TeamsPageProps {
  api: ApiClient;
  now?: () => number;
  /** A team admin's session: the teams it admins (undefined for the admin). */
  memberTeams?: readonly ViewerTeam[];
}

type Editing = { mode: 'create' } | { mode: 'edit'; team: TeamDescription } | null;

// Spend moves as requests are answered: the list follows it while the page is visible.
const REFRESH_MS = 5_000;

export function TeamsPage({ api, now = Date.now, memberTeams }: TeamsPageProps) {
  // A member's /team/list holds every team it belongs to: shown here are the ones it admins.
  const admins = memberTeams === undefined ? null : new Set(memberTeams.map((t) => t.teamId));
  const teams = useApi(() => api.listTeams().then((list) => (admins === null ? list : list.filter((t) => admins.has(t.team_id)))), [api, memberTeams === undefined], { refreshMs: REFRESH_MS });
  const models = useApi(() => api.listModels(), [api]);
  const [editing, setEditing] = useState<Editing>(null);
  const [openTeamId, setOpenTeamId] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const groups = [...new Set(models.data?.data.map((m) => m.model_name) ?? [])];
  const openTeam = teams.data?.find((t) => t.team_id === openTeamId) ?? null;

  const act = async (run: () => Promise<string>) => {
    setMessage(null);
    setActionError(null);
    try {
      setMessage(await run());
      teams.reload();
    } catch (e) {
      setActionError(e);
    }
  };

  return (
    <div className="stack">
      {editing ? (
        <TeamForm
          key={editing.mode === 'edit' ? editing.team.team_id : 'create'}
          mode={editing.mode}
          initial={editing.mode === 'edit' ? teamFormFromDescription(editing.team) : EMPTY_TEAM_FORM}
          models={groups}
          onCancel={() => setEditing(null)}
          onSubmit={async (values) => {
            if (editing.mode === 'create') {
              const created = await api.createTeam(toTeamNewRequest(values));
              setMessage(`Created team ${teamName(created)}. Add its members with "Members".`);
              setOpenTeamId(created.team_id);
            } else {
              const updated = await api.updateTeam(editing.team.team_id, toTeamUpdateFields(values, teamFormFromDescription(editing.team)));
              setMessage(`Saved ${teamName(updated.data)}.`);
            }
            setActionError(null);
            setEditing(null);
            teams.reload();
          }}
        />
      ) : null}

      <section className="card" aria-labelledby="teams-title">
        <div className="card-head">
          <h2 id="teams-title">Teams</h2>
          {editing === null && admins === null ? (
            <button type="button" className="button-primary" onClick={() => { setMessage(null); setActionError(null); setEditing({ mode: 'create' }); }}>
              Create a team
            </button>
          ) : null}
        </div>
        <p role="status" className="muted small">
          {message ?? ''}
        </p>
        {actionError ? <ErrorNotice error={actionError} /> : null}
        <LoadState
          loadable={teams}
          label="teams"
          isEmpty={(t) => t.length === 0}
          empty={
            <div>
              <p className="strong">No teams yet.</p>
              <p>A team groups keys under one budget and one list of models: a project, a client, or work vs personal. Its members each get a budget in it.</p>
            </div>
          }
        >
          {(list) => (
            <TeamTable
              teams={list}
              now={now()}
              openTeamId={openTeamId}
              onMembers={(team) => setOpenTeamId((open) => (open === team.team_id ? null : team.team_id))}
              {...(admins !== null ? {} : {
                manage: {
                  onEdit: (team: TeamDescription) => {
                    setMessage(null);
                    setActionError(null);
                    setEditing({ mode: 'edit', team });
                  },
                  onToggleBlock: (team: TeamDescription) =>
                    act(async () => {
                      if (team.blocked) {
                        await api.unblockTeam(team.team_id);
                        return `Unblocked ${teamName(team)}.`;
                      }
                      await api.blockTeam(team.team_id);
                      return `Blocked ${teamName(team)}.`;
                    }),
                  onDelete: (team: TeamDescription) =>
                    act(async () => {
                      const result = await api.deleteTeam(team.team_id);
                      if (openTeamId === team.team_id) setOpenTeamId(null);
                      const keys = result.deleted_keys.length;
                      return `Deleted team ${teamName(team)}${keys > 0 ? ` and its ${keys === 1 ? 'key' : `${keys} keys`}` : ''}.`;
                    }),
                },
              })}
            />
          )}
        </LoadState>
      </section>

      {openTeam ? <TeamMembers key={openTeam.team_id} api={api} team={openTeam} onChanged={teams.reload} onClose={() => setOpenTeamId(null)} /> : null}
    </div>
  );
}

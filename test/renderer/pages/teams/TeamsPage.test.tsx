// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { TeamsPage } from '../../../../renderer/src/pages/teams/TeamsPage.js';
import { ApiError } from '../../../../renderer/src/api/api-error.js';
import { fakeApi, sampleModel, sampleTeam } from '../../fake-api.js';

afterEach(cleanup);

const NOW = Date.parse('2026-03-15T12:00:00.000Z');
const member = { user_id: 'u-ann', user_email: 'ann@example.com', role: 'user' as const };

describe('TeamsPage', () => {
  it('explains what a team is for when there are none', async () => {
    render(<TeamsPage api={fakeApi()} now={() => NOW} />);
    expect(await screen.findByText('No teams yet.')).toBeTruthy();
  });

  it('lists each team with its members, models, spend of its budget and the soft budget, and status', async () => {
    const api = fakeApi({ listTeams: async () => [sampleTeam({ models: ['fast'], spend: 9, max_budget: 10, soft_budget: 8, budget_duration: '1mo', budget_reset_at: '2026-04-01T00:00:00.000Z', members_with_roles: [member] }), sampleTeam({ team_id: 'team-2', team_alias: 'ops', blocked: true, max_budget: null, soft_budget: null })] });
    render(<TeamsPage api={api} now={() => NOW} />);
    const row = (await screen.findByRole('rowheader', { name: 'research' })).closest('tr')!;
    expect(row.textContent).toContain('ann@example.com');
    expect(row.textContent).toContain('fast');
    expect(row.textContent).toContain('$9.00 / $10.00');
    expect(row.textContent).toContain('soft $8.00');
    expect(row.textContent).toContain('Past soft budget');
    expect(row.textContent).toContain('Resets monthly');
    const ops = screen.getByRole('rowheader', { name: 'ops' }).closest('tr')!;
    expect(ops.textContent).toContain('no limit');
    expect(ops.textContent).toContain('Blocked');
    expect(within(ops).getByRole('button', { name: 'Unblock ops' })).toBeTruthy();
  });

  it('creates a team from the form with the models chosen among the gateway\'s', async () => {
    const api = fakeApi({ listModels: async () => ({ data: [sampleModel({ name: 'fast' }), sampleModel({ name: 'smart', id: 'model-2' })] }) });
    render(<TeamsPage api={api} now={() => NOW} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Create a team' }));
    fireEvent.change(screen.getByLabelText('Team name'), { target: { value: 'research' } });
    fireEvent.change(screen.getByLabelText('Team budget (USD)'), { target: { value: '10' } });
    fireEvent.change(screen.getByLabelText('Soft budget (USD)'), { target: { value: '8' } });
    fireEvent.click(await screen.findByRole('checkbox', { name: 'smart' }));
    fireEvent.click(screen.getByRole('button', { name: 'Create team' }));
    await waitFor(() => expect(api.createTeam).toHaveBeenCalledWith({ team_alias: 'research', models: ['smart'], max_budget: 10, soft_budget: 8 }));
    expect((await screen.findByRole('status', { name: '' })).textContent).toContain('Created team research');
  });

  it('shows a refused change in the words of the gateway', async () => {
    const api = fakeApi({
      listTeams: async () => [sampleTeam()],
      blockTeam: async () => {
        throw new ApiError(404, 'not_found', 'No team with team_id team-1');
      },
    });
    render(<TeamsPage api={api} now={() => NOW} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Block research' }));
    expect((await screen.findByRole('alert')).textContent).toContain('No team with team_id team-1');
  });

  it("opens a team's members with their spend and budget in the team, and adds one by email", async () => {
    const team = sampleTeam({ members_with_roles: [member], team_member_budget: 5 });
    const api = fakeApi({
      listTeams: async () => [team],
      teamInfo: async () => ({ team_id: team.team_id, team_info: team, keys: [], team_memberships: [{ team_id: team.team_id, user_id: 'u-ann', spend: 1.25, max_budget_in_team: null }] }),
    });
    render(<TeamsPage api={api} now={() => NOW} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Members of research' }));
    const row = (await screen.findByRole('rowheader', { name: /ann@example.com/ })).closest('tr')!;
    expect(row.textContent).toContain('$1.25 / $5.00');
    expect(row.textContent).toContain("the team's default budget");
    fireEvent.change(within(row).getByLabelText('Role of ann@example.com'), { target: { value: 'admin' } });
    await waitFor(() => expect(api.updateTeamMember).toHaveBeenCalledWith({ team_id: 'team-1', user_id: 'u-ann', role: 'admin' }));

    fireEvent.change(screen.getByLabelText('Find the user by'), { target: { value: 'user_email' } });
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'bob@example.com' } });
    fireEvent.change(screen.getByLabelText('Budget in team (USD)'), { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add member' }));
    await waitFor(() => expect(api.addTeamMember).toHaveBeenCalledWith({ team_id: 'team-1', member: [{ role: 'user', user_email: 'bob@example.com' }], max_budget_in_team: 2 }));
    expect(await screen.findByText('Added bob@example.com to research.')).toBeTruthy();
  });

  it('edits a team, sending an emptied limit as null and leaving the untouched budget period out', async () => {
    const team = sampleTeam({ rpm_limit: 60, budget_duration: '1mo' });
    const api = fakeApi({ listTeams: async () => [team] });
    render(<TeamsPage api={api} now={() => NOW} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit research' }));
    fireEvent.change(screen.getByLabelText('Requests per minute'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Team budget (USD)'), { target: { value: '12' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(api.updateTeam).toHaveBeenCalledWith('team-1', { team_alias: 'research', models: [], max_budget: 12, soft_budget: 8, team_member_budget: null, rpm_limit: null, tpm_limit: null }));
  });

  it('removes a member only after the confirmation, and deletes a team saying its keys went with it', async () => {
    const team = sampleTeam({ members_with_roles: [member] });
    const api = fakeApi({
      listTeams: async () => [team],
      teamInfo: async () => ({ team_id: team.team_id, team_info: team, keys: [], team_memberships: [{ team_id: team.team_id, user_id: 'u-ann', spend: 0, max_budget_in_team: null }] }),
      deleteTeam: async (teamId) => ({ deleted_teams: [teamId], deleted_keys: ['key_a', 'key_b'] }),
    });
    render(<TeamsPage api={api} now={() => NOW} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Members of research' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Remove ann@example.com from research' }));
    expect(api.removeTeamMember).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(api.removeTeamMember).toHaveBeenCalledWith('team-1', 'u-ann'));
    expect(await screen.findByText('Removed ann@example.com from research.')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Delete research' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Deleted team research and its 2 keys.')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Members of research' })).toBeNull();
  });
});

describe("TeamsPage in a team admin's session", () => {
  it('shows only the teams it admins, offers their members and nothing the admin alone may change', async () => {
    const api = fakeApi({ listTeams: async () => [sampleTeam({ members_with_roles: [member] }), sampleTeam({ team_id: 'team-2', team_alias: 'ops' })] });
    render(<TeamsPage api={api} now={() => NOW} memberTeams={[{ teamId: 'team-1', name: 'research', admin: true }]} />);
    const row = (await screen.findByRole('rowheader', { name: 'research' })).closest('tr')!;
    expect(screen.queryByRole('rowheader', { name: 'ops' })).toBeNull();
    expect(within(row).getByRole('button', { name: 'Members of research' })).toBeTruthy();
    for (const name of ['Edit research', 'Block research', 'Delete research']) expect(within(row).queryByRole('button', { name })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Create a team' })).toBeNull();
  });
});

// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TeamFilter } from '../../../renderer/src/components/TeamFilter.js';
import { fakeApi, sampleTeam } from '../fake-api.js';

afterEach(cleanup);

describe('TeamFilter', () => {
  it("offers the admin every team from /team/list, 'All teams' first", async () => {
    const api = fakeApi({ listTeams: async () => [sampleTeam(), sampleTeam({ team_id: 'team-2', team_alias: 'ops' })] });
    render(<TeamFilter api={api} id="t" value="" onChange={vi.fn()} />);
    await screen.findByRole('option', { name: 'ops' });
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['All teams', 'research', 'ops']);
  });

  it("offers a member its own usage and the teams it admins, without reading /team/list", async () => {
    const api = fakeApi({ listTeams: async () => [sampleTeam(), sampleTeam({ team_id: 'team-2', team_alias: 'ops' })] });
    const onChange = vi.fn();
    render(<TeamFilter api={api} id="t" value="" onChange={onChange} memberTeams={[{ teamId: 'team-2', name: 'ops', admin: true }]} />);
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['Only yours', 'ops']);
    fireEvent.change(screen.getByLabelText('Team'), { target: { value: 'team-2' } });
    expect(onChange).toHaveBeenCalledWith('team-2');
    expect(api.listTeams).not.toHaveBeenCalled();
  });

  it('is not shown to a member who admins no team', () => {
    const { container } = render(<TeamFilter api={fakeApi()} id="t" value="" onChange={vi.fn()} memberTeams={[]} />);
    expect(container.textContent).toBe('');
  });
});

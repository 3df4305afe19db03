// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { TeamSpend } from '../../../../renderer/src/pages/overview/TeamSpend.js';
import { fakeApi, sampleTeam } from '../../fake-api.js';

afterEach(cleanup);

describe('TeamSpend (Overview)', () => {
  it('shows no card while the gateway has no team', async () => {
    const api = fakeApi();
    const { container } = render(<TeamSpend api={api} refreshMs={60_000} />);
    await waitFor(() => expect(api.listTeams).toHaveBeenCalled());
    expect(container.textContent).toBe('');
  });

  it("shows each team's spend this budget period against its budget", async () => {
    const api = fakeApi({ listTeams: async () => [sampleTeam({ spend: 2.5, max_budget: 10, soft_budget: null, budget_duration: '1mo' }), sampleTeam({ team_id: 't2', team_alias: 'ops', spend: 0, max_budget: null, soft_budget: null })] });
    render(<TeamSpend api={api} refreshMs={60_000} />);
    expect(await screen.findByRole('heading', { name: 'Spend per team, this budget period' })).toBeTruthy();
    const items = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(items[0]).toContain('research');
    expect(items[0]).toContain('$2.50 / $10.00');
    expect(items[0]).toContain('Resets monthly');
    expect(items[1]).toContain('ops');
    expect(items[1]).toContain('no limit');
  });

  it('shows no card when the teams cannot be read', async () => {
    const api = fakeApi({ listTeams: async () => { throw new Error('forbidden'); } });
    const { container } = render(<TeamSpend api={api} refreshMs={60_000} />);
    await waitFor(() => expect(api.listTeams).toHaveBeenCalled());
    expect(container.textContent).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { shownPage, visiblePages } from '../../../renderer/src/app/visible-pages.js';
import { PAGES } from '../../../renderer/src/app/use-hash-route.js';
import { ADMIN_VIEWER, type Viewer } from '../../../renderer/src/session/viewer.js';

const member: Viewer = { role: 'member', userId: 'ana', name: 'ana', teams: [] };

describe('visiblePages', () => {
  it('gives the admin every page and a member no Settings', () => {
    expect(visiblePages(ADMIN_VIEWER)).toEqual(PAGES);
    expect(visiblePages(member)).not.toContain('settings');
    expect(visiblePages(member)).toEqual(expect.arrayContaining(['overview', 'models', 'keys', 'usage', 'logs', 'playground']));
  });

  it("shows a member's Overview for a page it may not open", () => {
    expect(shownPage(member, 'settings')).toBe('overview');
    expect(shownPage(member, 'usage')).toBe('usage');
    expect(shownPage(ADMIN_VIEWER, 'settings')).toBe('settings');
  });

  it('gives Apps to the admin only: never a member, not even a team admin (a typed #/apps shows the Overview)', () => {
    expect(visiblePages(ADMIN_VIEWER)).toContain('apps');
    const teamAdmin: Viewer = { role: 'member', userId: 'ana', name: 'ana', teams: [{ teamId: 't', name: 't', admin: true }] };
    expect(visiblePages(member)).not.toContain('apps');
    expect(visiblePages(teamAdmin)).not.toContain('apps');
    expect(shownPage(teamAdmin, 'apps')).toBe('overview');
  });

  it('adds Teams for a member who admins a team, and only then', () => {
    expect(visiblePages(member)).not.toContain('teams');
    const teamAdmin: Viewer = { role: 'member', userId: 'ana', name: 'ana', teams: [{ teamId: 't', name: 't', admin: true }] };
    expect(visiblePages(teamAdmin)).toContain('teams');
    expect(visiblePages(teamAdmin)).not.toContain('settings');
    expect(visiblePages({ ...teamAdmin, teams: [{ teamId: 't', name: 't', admin: false }] } as Viewer)).not.toContain('teams');
  });
});

import { describe, expect, it } from 'vitest';
import { ADMIN_VIEWER, adminOfTeams, memberViewer } from '../../../renderer/src/session/viewer.js';
import { sampleUserInfo } from '../fake-api.js';

describe('memberViewer', () => {
  it("names the member by email, else by id, and marks the teams it admins by its own role in each", () => {
    const info = sampleUserInfo({ userId: 'ana', teams: [{ id: 't1', alias: 'Platform', role: 'admin' }, { id: 't2', alias: null, role: 'user' }] });
    const viewer = memberViewer(info);
    expect(viewer).toEqual({ role: 'member', userId: 'ana', name: 'ana@example.com', teams: [{ teamId: 't1', name: 'Platform', admin: true }, { teamId: 't2', name: 't2', admin: false }] });
    expect(adminOfTeams(viewer).map((t) => t.teamId)).toEqual(['t1']);
    expect(memberViewer(sampleUserInfo({ userId: 'bo', email: null, teams: [] }))).toEqual({ role: 'member', userId: 'bo', name: 'bo', teams: [] });
  });

  it("does not take another member's admin role for the viewer's", () => {
    const info = sampleUserInfo({ userId: 'ana', teams: [{ id: 't1', alias: 'x', role: 'user' }] });
    info.teams[0]!.members_with_roles.push({ user_id: 'bo', user_email: null, role: 'admin' });
    expect(adminOfTeams(memberViewer(info))).toEqual([]);
  });

  it('the admin manages no team as a member', () => {
    expect(adminOfTeams(ADMIN_VIEWER)).toEqual([]);
  });
});

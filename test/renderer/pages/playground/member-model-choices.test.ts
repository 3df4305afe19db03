import { describe, expect, it } from 'vitest';
import { memberModelChoices } from '../../../../renderer/src/pages/playground/member-model-choices.js';
import { sampleModel } from '../../fake-api.js';

describe('memberModelChoices', () => {
  it("preselects the first model group the member's key may call and offers the others once each", () => {
    const list = { data: [sampleModel({ name: 'fast', id: 'a' }), sampleModel({ name: 'fast', id: 'b' }), sampleModel({ name: 'smart', id: 'c' })] };
    expect(memberModelChoices(list)).toEqual({ alias: 'fast', model: null, models: ['smart'] });
  });
  it('falls back to the active alias when no model is open to the key (the gateway then says why)', () => {
    expect(memberModelChoices({ data: [] })).toEqual({ alias: 'switchboard/active', model: null, models: [] });
  });
});

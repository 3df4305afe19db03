// @vitest-environment happy-dom
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { useSettingsSave } from '../../../../renderer/src/pages/settings/use-settings-save.js';

function setup() {
  const focus = { current: true, onAction: vi.fn() };
  const onSaved = vi.fn();
  const hook = renderHook(() => useSettingsSave(focus, onSaved));
  return { focus, onSaved, hook };
}

describe('useSettingsSave', () => {
  it('says "Saved." and calls onSaved after a save that worked; an edit clears it', async () => {
    const { focus, onSaved, hook } = setup();
    const write = vi.fn(async () => undefined);
    await act(() => hook.result.current.save(write));
    expect(write).toHaveBeenCalledTimes(1);
    expect(hook.result.current).toMatchObject({ busy: false, saved: true, error: null });
    expect(onSaved).toHaveBeenCalledTimes(1);
    expect(focus.onAction).toHaveBeenCalled();
    act(() => hook.result.current.edited());
    expect(hook.result.current.saved).toBe(false);
  });

  it("keeps the gateway's refusal, without onSaved, until the next edit", async () => {
    const { onSaved, hook } = setup();
    const refused = new Error('no');
    await act(() => hook.result.current.save(async () => Promise.reject(refused)));
    expect(hook.result.current).toMatchObject({ busy: false, saved: false, error: refused });
    expect(onSaved).not.toHaveBeenCalled();
    act(() => hook.result.current.edited());
    expect(hook.result.current.error).toBeNull();
  });

  it('shows a value refused before sending, clearing an earlier "Saved."', async () => {
    const { focus, hook } = setup();
    await act(() => hook.result.current.save(async () => undefined));
    const refused = new Error('Keep requests for 1 to 3650 days.');
    focus.onAction.mockClear();
    act(() => hook.result.current.refuse(refused));
    expect(hook.result.current).toMatchObject({ saved: false, error: refused });
    expect(focus.onAction).toHaveBeenCalledTimes(1);
  });
});

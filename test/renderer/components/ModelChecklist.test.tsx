// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModelChecklist } from '../../../renderer/src/components/ModelChecklist.js';

afterEach(cleanup);

const props = { legend: 'Models this key may use', noModelsText: 'No models yet: the key will be allowed every model.', onlyHintEnd: '; others refused.' };

describe('ModelChecklist', () => {
  it('lists a chosen model the gateway no longer serves, ticked, so saving keeps it', () => {
    render(<ModelChecklist {...props} models={['fast', 'smart']} chosen={['gone']} onChange={vi.fn()} />);
    const group = screen.getByRole('group', { name: 'Models this key may use' });
    expect(group).toBeTruthy();
    expect(screen.getAllByRole('checkbox').map((c) => [c.parentElement?.textContent?.trim(), (c as HTMLInputElement).checked])).toEqual([
      ['fast', false],
      ['smart', false],
      ['gone', true],
    ]);
    expect(screen.getByText('Only gone; others refused.')).toBeTruthy();
  });

  it('ticks and unticks a model through onChange, keeping the others', () => {
    const onChange = vi.fn();
    render(<ModelChecklist {...props} models={['fast', 'smart']} chosen={['fast']} onChange={onChange} />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'smart' }));
    expect(onChange).toHaveBeenLastCalledWith(['fast', 'smart']);
    fireEvent.click(screen.getByRole('checkbox', { name: 'fast' }));
    expect(onChange).toHaveBeenLastCalledWith([]);
  });

  it('says every model is allowed when none is ticked, and when the gateway has none', () => {
    render(<ModelChecklist {...props} models={[]} chosen={[]} onChange={vi.fn()} />);
    expect(screen.getByText('No models yet: the key will be allowed every model.')).toBeTruthy();
    expect(screen.getByText('None ticked: every model, including ones added later.')).toBeTruthy();
  });
});

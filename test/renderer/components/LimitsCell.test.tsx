// @vitest-environment happy-dom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReactElement } from 'react';
import { LimitsCell } from '../../../renderer/src/components/LimitsCell.js';

afterEach(cleanup);

function cellLines(element: ReactElement): string[] {
  const { container } = render(
    <table>
      <tbody>
        <tr>{element}</tr>
      </tbody>
    </table>,
  );
  const cell = container.querySelector('td[data-label="Limits"]');
  return [...(cell?.children ?? [])].map((c) => c.textContent ?? '');
}

describe('LimitsCell', () => {
  it('says none when no limit is set', () => {
    expect(cellLines(<LimitsCell rpm={null} tpm={null} extra={null} />)).toEqual(['none']);
  });

  it('puts each limit set on its own line, the holder\'s own last', () => {
    expect(cellLines(<LimitsCell rpm={1200} tpm={null} extra="2 parallel" />)).toEqual(['1,200 req/min', '2 parallel']);
    expect(cellLines(<LimitsCell rpm={null} tpm={50000} />)).toEqual(['50,000 tok/min']);
  });

  it('shows only the holder\'s own limit when rates are unset', () => {
    expect(cellLines(<LimitsCell rpm={null} tpm={null} extra="$5.00 per member" />)).toEqual(['$5.00 per member']);
  });
});

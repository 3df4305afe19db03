// The one money formatter, for every place a person reads an amount (tray, notifications, budget
// refusals, dashboard). Money is integer micro-USD end to end; this is the edge. One rule: below
// a dollar, exact to the micro-dollar (trailing zeros dropped, at least two decimals), so small
// spend never shows as $0.00; from a dollar up, cents rounded half away from zero. Never parses.

const MICROS_PER_DOLLAR = 1_000_000;
const MICROS_PER_CENT = 10_000;

export function formatUsd(micros: number): string {
  if (!Number.isFinite(micros)) return '—';
  // Half away from zero, on the magnitude, so -x and x differ only by the sign.
  const whole = Math.round(Math.abs(micros));
  const sign = micros < 0 && whole > 0 ? '-' : '';
  if (whole < MICROS_PER_DOLLAR) {
    const fraction = String(whole).padStart(6, '0').replace(/0+$/, '').padEnd(2, '0');
    return `${sign}$0.${fraction}`;
  }
  const cents = Math.round(whole / MICROS_PER_CENT);
  const dollars = Math.floor(cents / 100);
  return `${sign}$${groupThousands(dollars)}.${String(cents % 100).padStart(2, '0')}`;
}

/**
 * 1234567 -> "1,234,567". By hand, not Intl.NumberFormat: a formatter built at load pulled ICU's
 * number data into every process that imports this (6 MB of RSS at the gateway's start).
 */
function groupThousands(whole: number): string {
  return String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

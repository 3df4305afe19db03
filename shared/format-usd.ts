// The one money formatter, for every place a person reads an amount (tray, notifications, budget
// refusals, dashboard). Money is integer micro-USD end to end; this is the edge. Rules: no price
// (a local or unpriced model) reads "free"; under $0.0001 reads "<$0.0001"; below a cent, two
// significant digits ($0.0042), so small spend never shows as $0.00; from a cent up, cents
// rounded half away from zero ($1,234.56). Unit prices keep their exact value (formatUsdPrice).
// Never parses.

const MICROS_PER_DOLLAR = 1_000_000;
const MICROS_PER_CENT = 10_000;
/** $0.0001: below it two significant digits would read as noise ($0.000065). */
const SMALLEST_SHOWN_MICROS = 100;

/**
 * `null` or `undefined` means the amount has no price behind it (a local model, or one with no
 * known price): "free". A priced amount of zero is "$0.00".
 */
export function formatUsd(micros: number | null | undefined): string {
  if (micros === null || micros === undefined) return 'free';
  if (!Number.isFinite(micros)) return '—';
  // Half away from zero, on the magnitude, so -x and x differ only by the sign.
  const whole = Math.round(Math.abs(micros));
  const sign = micros < 0 && whole > 0 ? '-' : '';
  if (whole === 0) return '$0.00';
  if (whole < SMALLEST_SHOWN_MICROS) return `${sign}<$0.0001`;
  if (whole < MICROS_PER_CENT) return `${sign}$0.${twoSignificantMicros(whole)}`;
  const cents = Math.round(whole / MICROS_PER_CENT);
  const dollars = Math.floor(cents / 100);
  return `${sign}$${groupThousands(dollars)}.${String(cents % 100).padStart(2, '0')}`;
}

/** Spend on models that may have no price: $0 on an unpriced (local) model reads "free". */
export function formatSpend(micros: number, priced: boolean): string {
  return formatUsd(micros === 0 && !priced ? null : micros);
}

/**
 * A unit price (USD per 1M tokens, as micro-USD): exact to the micro-dollar below a dollar
 * ($0.075), cents from a dollar up ($2.50). Prices are read to compare models, where rounding
 * $0.075 to $0.08 would mislead.
 */
export function formatUsdPrice(micros: number): string {
  if (!Number.isFinite(micros)) return '—';
  const whole = Math.round(Math.abs(micros));
  const sign = micros < 0 && whole > 0 ? '-' : '';
  if (whole < MICROS_PER_DOLLAR) {
    const fraction = String(whole).padStart(6, '0').replace(/0+$/, '').padEnd(2, '0');
    return `${sign}$0.${fraction}`;
  }
  const cents = Math.round(whole / MICROS_PER_CENT);
  return `${sign}$${groupThousands(Math.floor(cents / 100))}.${String(cents % 100).padStart(2, '0')}`;
}

/** 100..9,999 micro-USD -> the decimals after "$0." with two significant digits: 4_234 -> "0042". */
function twoSignificantMicros(whole: number): string {
  // 100..999 keep two digits in units of 10 micros; 1,000..9,999 in units of 100. Half up.
  const unit = whole < 1_000 ? 10 : 100;
  const rounded = Math.round(whole / unit) * unit;
  // 995 rounds to 1,000: still below a cent, now with one more leading digit.
  return String(rounded).padStart(6, '0').replace(/0+$/, '');
}

/**
 * 1234567 -> "1,234,567". By hand, not Intl.NumberFormat: a formatter built at load pulled ICU's
 * number data into every process that imports this (6 MB of RSS at the gateway's start).
 */
function groupThousands(whole: number): string {
  return String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

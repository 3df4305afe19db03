// Formats integer micro-USD for the tray and notifications (money is micro-USD everywhere else;
// this is the edge). Never rounds a non-zero amount to "$0.00": small spend shows more digits.

export function formatUsd(micros: number): string {
  if (!Number.isFinite(micros)) return '$?';
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(Math.round(micros));
  // Below a cent, four decimals: a day of local-model traffic costs fractions of a cent.
  if (abs > 0 && abs < 10_000) {
    const tenThousandths = Math.max(1, Math.round(abs / 100));
    return `${sign}$0.${String(tenThousandths).padStart(4, '0')}`;
  }
  const cents = Math.round(abs / 10_000);
  const dollars = Math.floor(cents / 100);
  const rest = String(cents % 100).padStart(2, '0');
  return `${sign}$${dollars.toLocaleString('en-US')}.${rest}`;
}

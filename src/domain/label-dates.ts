/**
 * Calendar arithmetic on `YYYY-MM-DD` days, in UTC, with no I/O.
 *
 * Shared convention (issues 4, 5, 6): a label's `expiresOn` is its LAST valid day, inclusive.
 * anniversary = awardedOn + validity months, same day-of-month; when that day does not exist in the
 * target month (29 Feb in a non-leap year, 31 in a 30-day month) it is the first day of the next month.
 * expiresOn = anniversary − 1 day. So a label awarded on 2024-02-29 for 36 months has its anniversary
 * on 2027-03-01 and expires on 2027-02-28 (its last valid day); awarded on 2024-03-15, it expires on 2027-03-14.
 */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(day: string): [number, number, number] {
  const m = DAY.exec(day);
  if (!m) throw new RangeError(`Not a YYYY-MM-DD day: ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function format(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** `day` + `n` days (n may be negative). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = parts(day);
  return format(new Date(Date.UTC(y, m - 1, d + n)));
}

/**
 * The same day-of-month `months` later; a day that does not exist there rolls to the first day of
 * the following month (2024-02-29 + 12 months → 2025-03-01; 2024-01-31 + 1 month → 2024-03-01).
 */
export function anniversary(day: string, months: number): string {
  const [y, m, d] = parts(day);
  const idx = m - 1 + months;
  const year = y + Math.floor(idx / 12);
  const month0 = ((idx % 12) + 12) % 12;
  if (d <= daysInMonth(year, month0)) return format(new Date(Date.UTC(year, month0, d)));
  return format(new Date(Date.UTC(year, month0 + 1, 1)));
}

/** The label's last valid day (inclusive): anniversary of the award − 1 day. */
export function labelExpiresOn(awardedOn: string, validityMonths: number): string {
  return addDays(anniversary(awardedOn, validityMonths), -1);
}

/** Today in UTC, as the registry's clock sees it. */
export function todayUtc(now: Date = new Date()): string {
  return format(now);
}

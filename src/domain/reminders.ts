/**
 * Which renewal reminder is due for a label on a given day. Pure: no clock, no I/O.
 *
 * Convention shared with the labels: `expiresOn` is the label's LAST valid day (inclusive).
 * `daysLeft` = expiresOn − today, so on the last valid day `daysLeft` is 0 and the day after the
 * label is expired. A reminder at offset N (days) is due once `daysLeft ≤ N`. After downtime several
 * offsets can be due at once: only the most urgent (smallest) goes out, the others are skipped for good.
 */

const DAY_MS = 86_400_000;

export const EXPIRY_KIND = "expiry";
export const reminderKind = (offset: number) => `reminder-${offset}`;

/** Whole days from `from` to `to` (YYYY-MM-DD), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC day of an instant. */
export const dayOf = (instant: number | Date) => new Date(instant).toISOString().slice(0, 10);

export type DueReminder = { offset: number; daysLeft: number; skipped: number[] };

/**
 * The reminder due for a label whose last valid day is `expiresOn`, on `today`, or null.
 * `offsets` in any order. `skipped` lists the earlier (larger) offsets that were due too.
 */
export function dueReminder(expiresOn: string, today: string, offsets: readonly number[]): DueReminder | null {
  const daysLeft = daysBetween(today, expiresOn);
  if (daysLeft < 0) return null;
  const due = offsets.filter((o) => daysLeft <= o).sort((a, b) => a - b);
  const [offset, ...skipped] = due;
  if (offset === undefined) return null;
  return { offset, daysLeft, skipped: skipped.sort((a, b) => b - a) };
}

export type ReminderWindow = { offset: number; fromExpiresOn: string; toExpiresOn: string };

/**
 * For each offset, the range of `expiresOn` (inclusive) for which it is the most urgent due reminder
 * on `today`: lets the job select, per offset, only the labels it concerns with one indexed range query.
 * Together the full windows cover [today, today + largest offset] without overlap.
 *
 * With `since` (the day of the last completed run), each window keeps only the labels that crossed its
 * offset after that run (`expiresOn > since + offset`): the others were handled then. So a daily run
 * reads about the labels that are due today, not every label within the largest offset; after days of
 * silence the windows widen to cover every day missed.
 */
export function reminderWindows(today: string, offsets: readonly number[], since?: string): ReminderWindow[] {
  const asc = [...offsets].sort((a, b) => a - b);
  return asc.flatMap((offset, i) => {
    const full = addDays(today, i === 0 ? 0 : asc[i - 1]! + 1);
    const crossed = since ? addDays(since, offset + 1) : full;
    // biome-ignore lint/complexity/useMathMinMax: ISO days compare as text; Math.max would make them NaN.
    const fromExpiresOn = crossed > full ? crossed : full;
    const toExpiresOn = addDays(today, offset);
    return fromExpiresOn <= toExpiresOn ? [{ offset, fromExpiresOn, toExpiresOn }] : [];
  });
}

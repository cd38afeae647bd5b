/**
 * The label's clock is French: a label's last valid day ends at midnight in Europe/Paris, whatever the
 * UTC offset of the day (+01:00 in winter, +02:00 in summer). Pure: no I/O.
 */

const parisDayFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** Today's date in France (labels' days are French days), `YYYY-MM-DD`. */
export function parisDay(at: Date): string {
  return parisDayFormat.format(at);
}

/**
 * The instant the next French day starts after `at`. France changes its offset at 02:00/03:00, never at
 * midnight, so midnight is at 23:00 UTC (winter) or 22:00 UTC (summer) of the previous UTC day: the
 * first of the two candidates that already belongs to the next French day.
 */
export function nextParisMidnight(at: Date): Date {
  const today = parisDay(at);
  const [y, m, d] = today.split("-").map(Number) as [number, number, number];
  for (const offsetHours of [2, 1]) {
    const candidate = new Date(Date.UTC(y, m - 1, d + 1, -offsetHours));
    if (parisDay(candidate) !== today && parisDay(new Date(candidate.getTime() - 1)) === today) return candidate;
  }
  throw new Error(`No midnight found after ${at.toISOString()}`); // unreachable for Europe/Paris
}

/** Whole seconds from `at` until the next midnight in France (at least 0). */
export function secondsUntilParisMidnight(at: Date): number {
  return Math.max(0, Math.floor((nextParisMidnight(at).getTime() - at.getTime()) / 1000));
}

/** Dates as the chronic-care workflow writes them: calendar days in China time (UTC+8), instants as ISO strings. */
export const DAY_MS = 86_400_000;
const CST = 8 * 3_600_000;

/** The China calendar day of an instant (`2026-12-02`). */
export function chinaDate(ms: number): string {
  return new Date(ms + CST).toISOString().slice(0, 10);
}

/** The instant of a FHIR date or dateTime (a date counts from its China midnight); NaN when there is none. */
export function instantOf(value: string | undefined): number {
  if (!value) return Number.NaN;
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00+08:00`) : Date.parse(value);
}

export const addDays = (ms: number, days: number): number => ms + days * DAY_MS;

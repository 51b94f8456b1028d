/**
 * The generator's fixed clock. Every instant derives from the reference date (midnight China Standard
 * Time, UTC+08:00), never from the machine's clock, so output is stable.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const CST_OFFSET = 8 * HOUR;

export class RegionClock {
  /** Epoch milliseconds of the reference date's midnight in China. */
  readonly reference: number;
  readonly referenceYear: number;
  /** Day of the year (0-based) of the reference date. */
  readonly referenceDayOfYear: number;

  constructor(referenceDate: string) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(referenceDate)) {
      throw new Error(`reference date must be YYYY-MM-DD, got ${referenceDate}`);
    }
    const utcMidnight = Date.parse(`${referenceDate}T00:00:00Z`);
    if (Number.isNaN(utcMidnight)) {
      throw new Error(`invalid reference date ${referenceDate}`);
    }
    this.reference = utcMidnight - CST_OFFSET;
    this.referenceYear = Number(referenceDate.slice(0, 4));
    this.referenceDayOfYear = Math.round((utcMidnight - Date.UTC(this.referenceYear, 0, 1)) / DAY);
  }

  /** FHIR dateTime in China time, e.g. 2026-10-30T09:20:00+08:00. */
  dateTime(epochMs: number): string {
    return `${new Date(epochMs + CST_OFFSET).toISOString().slice(0, 19)}+08:00`;
  }

  /** FHIR date (China calendar day). */
  date(epochMs: number): string {
    return new Date(epochMs + CST_OFFSET).toISOString().slice(0, 10);
  }

  /** The instant `days` days before the reference midnight, at hour:minute China time. */
  daysBefore(days: number, hour = 0, minute = 0): number {
    return this.reference - days * DAY + hour * HOUR + minute * MINUTE;
  }

  daysAfter(days: number, hour = 0, minute = 0): number {
    return this.reference + days * DAY + hour * HOUR + minute * MINUTE;
  }

  /** Date of day `dayOfYear` (0-based, 0..364) of `year`. */
  static dateOfYear(year: number, dayOfYear: number): string {
    return new Date(Date.UTC(year, 0, 1 + dayOfYear)).toISOString().slice(0, 10);
  }

  /** Day of week of an instant in China (0 = Sunday). */
  weekday(epochMs: number): number {
    return new Date(epochMs + CST_OFFSET).getUTCDay();
  }
}

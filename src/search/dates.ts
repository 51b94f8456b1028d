/**
 * FHIR date, dateTime and instant values as [low, high] ranges of epoch milliseconds, following their
 * precision (FHIR R4 search §3.1.1.4.6 / datatypes: a date is the whole period it names). Values without
 * a timezone are taken as UTC (the server runs with TZ=UTC).
 */
export interface Range {
  readonly lo: number;
  readonly hi: number;
}

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export const MIN_TIME = -8640000000000000;
export const MAX_TIME = 8640000000000000;

/** The range a FHIR date/dateTime/instant string covers, or undefined if it is not one. */
export function dateRange(value: string): Range | undefined {
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  const month = mo ? Number(mo) : undefined;
  const day = d ? Number(d) : undefined;
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (h !== undefined && mi === undefined) return undefined;
  let offsetMs = 0;
  if (tz && tz !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    offsetMs = sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6))) * 60000;
  }
  const utc = (yy: number, mm: number, dd: number, hh = 0, mn = 0, ss = 0, ms = 0): number => {
    const date = new Date(0);
    date.setUTCFullYear(yy, mm, dd);
    date.setUTCHours(hh, mn, ss, ms);
    return date.getTime();
  };
  if (month === undefined) {
    return { lo: utc(year, 0, 1), hi: utc(year + 1, 0, 1) - 1 };
  }
  if (day === undefined) {
    return { lo: utc(year, month - 1, 1), hi: utc(year, month, 1) - 1 };
  }
  const lo0 = utc(year, month - 1, day);
  if (new Date(lo0).getUTCDate() !== day) return undefined;
  if (h === undefined) {
    return { lo: lo0, hi: utc(year, month - 1, day + 1) - 1 };
  }
  const hour = Number(h);
  const minute = Number(mi);
  if (hour > 24 || minute > 59) return undefined;
  if (s === undefined) {
    const lo = utc(year, month - 1, day, hour, minute) - offsetMs;
    return { lo, hi: lo + 60000 - 1 };
  }
  const second = Number(s);
  if (second > 60) return undefined;
  if (frac === undefined) {
    const lo = utc(year, month - 1, day, hour, minute, second) - offsetMs;
    return { lo, hi: lo + 999 };
  }
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  const lo = utc(year, month - 1, day, hour, minute, second, ms) - offsetMs;
  return { lo, hi: lo };
}

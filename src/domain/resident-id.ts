/**
 * China resident identity number (公民身份号码), GB 11643-1999.
 *
 * 18 characters: 6-digit administrative division code (GB/T 2260), 8-digit birth date (YYYYMMDD),
 * 3-digit sequence (odd = male, even = female) and one check character (ISO 7064 MOD 11-2: 0-9 or X).
 * This module is pure: the profile invariant, the seed generator and tests all use it.
 */

/**
 * Identifier system for resident identity numbers: the OID China's health information standards
 * (WS 364 / WS/T 500 CDA templates) assign to 居民身份证号码. Documented in docs/profiles.md.
 */
export const RESIDENT_ID_SYSTEM = 'urn:oid:2.16.156.10011.1.3';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
const PATTERN = /^(\d{6})(\d{4})(\d{2})(\d{2})(\d{3})([0-9X])$/;

/** The check character for the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new Error('the first 17 characters of a resident identity number must be digits');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += Number(first17[i]) * WEIGHTS[i];
  }
  return CHECK_CHARS[sum % 11];
}

export interface ResidentIdParts {
  /** GB/T 2260 administrative division code of the place of first registration. */
  readonly divisionCode: string;
  /** Birth date as a FHIR date (YYYY-MM-DD). */
  readonly birthDate: string;
  /** FHIR administrative gender implied by the sequence number. */
  readonly gender: 'male' | 'female';
  readonly sequence: string;
}

export type ResidentIdCheck = { ok: true; parts: ResidentIdParts } | { ok: false; reason: string };

/** Checks format, birth date and check digit; a lower-case x is accepted as X. */
export function checkResidentId(value: string): ResidentIdCheck {
  const normalized = value.trim().toUpperCase();
  const m = PATTERN.exec(normalized);
  if (!m) {
    return { ok: false, reason: 'must be 17 digits followed by a digit or X' };
  }
  const [, division, year, month, day, sequence, check] = m;
  const birthDate = `${year}-${month}-${day}`;
  const date = new Date(`${birthDate}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== birthDate || Number(year) < 1800) {
    return { ok: false, reason: `encodes an impossible birth date ${birthDate}` };
  }
  const expected = residentIdCheckChar(normalized.slice(0, 17));
  if (expected !== check) {
    return { ok: false, reason: `check character is ${check} but GB 11643 requires ${expected}` };
  }
  return {
    ok: true,
    parts: { divisionCode: division, birthDate, gender: Number(sequence) % 2 === 1 ? 'male' : 'female', sequence },
  };
}

/** Builds a valid number from its parts (used by the seed generator and tests). */
export function makeResidentId(divisionCode: string, birthDate: string, sequence: number): string {
  if (!/^\d{6}$/.test(divisionCode)) {
    throw new Error('division code must be 6 digits');
  }
  const first17 = `${divisionCode}${birthDate.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

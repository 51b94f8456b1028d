/**
 * Identifier values that look and check like real ones: unified social credit codes (GB 32100, with the
 * embedded GB 11714 organization code), practitioner licence numbers, mobile and landline numbers, and
 * resident identity numbers (GB 11643, via src/domain/resident-id).
 */
import { makeResidentId } from '../../src/domain/resident-id';
import { hashParts, type Rng } from './prng';

const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 check character of an 8-digit organization code body. */
export function organizationCodeCheckChar(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    sum += CREDIT_CODE_CHARS.indexOf(body8[i]) * ORG_CODE_WEIGHTS[i];
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** GB 32100 check character of the first 17 characters of a unified social credit code. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_CHARS.indexOf(first17[i]);
    if (v < 0) {
      throw new Error(`invalid credit code character ${first17[i]}`);
    }
    sum += v * CREDIT_CODE_WEIGHTS[i];
  }
  return CREDIT_CODE_CHARS[(31 - (sum % 31)) % 31];
}

/**
 * A unified social credit code: registration authority + type ('11' government body, '12' public
 * institution), the division code, a GB 11714 organization code and the GB 32100 check character.
 */
export function makeCreditCode(rng: Rng, kind: '11' | '12', divisionCode: string): string {
  const body = String(rng.int(10000000, 99999999));
  const first17 = kind + divisionCode + body + organizationCodeCheckChar(body);
  return first17 + creditCodeCheckChar(first17);
}

export function checkCreditCode(value: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{9}[0-9A-HJ-NPQRTUWXY]$/.test(value)) {
    return false;
  }
  return creditCodeCheckChar(value.slice(0, 17)) === value[17]
    && organizationCodeCheckChar(value.slice(8, 16)) === value[16];
}

/**
 * 医师执业证书编码: 15 digits — qualification level (1 执业医师), category (1 临床), province (12 Tianjin),
 * registration year, then a serial number.
 */
export function makeLicenceNumber(rng: Rng, registrationYear: number): string {
  return `1112${registrationYear}${rng.digits(7)}`;
}

const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155',
  '156', '157', '158', '159', '166', '176', '177', '180', '181', '185', '186', '187', '188', '189', '199'];

/** E.164 mobile number: +86 followed by 11 digits starting with 1. */
export function makeMobile(rng: Rng): string {
  return `+86${rng.pick(MOBILE_PREFIXES)}${rng.digits(8)}`;
}

/** Tianjin landline (area code 022, 8-digit subscriber numbers starting 2–8). */
export function makeLandline(rng: Rng): string {
  return `022-${rng.int(2, 8)}${rng.digits(7)}`;
}

/**
 * Resident identity numbers whose (birth date, sequence) is unique within a district: the n-th resident of
 * a district gets slot perm(n) of 365 days × 499 sequence pairs, where perm is a keyed pseudo-random
 * permutation (a 4-round Feistel network on 18 bits with cycle walking), so up to 182,135 residents per
 * district never collide whatever their birth years, and birthdays show no pattern. The slot's day is the
 * day of the birth year; odd sequences are male, even female, as GB 11643 requires.
 */
export const RESIDENT_SLOTS_PER_DISTRICT = 365 * 499;
const HALF_BITS = 9;
const HALF_MASK = (1 << HALF_BITS) - 1;

export interface ResidentIdSlot {
  /** Day within the birth year, 0..364. */
  readonly dayOfYear: number;
  /** Sequence pair 0..498. */
  readonly pair: number;
}

function feistel(x: number, key: number): number {
  let left = x >>> HALF_BITS;
  let right = x & HALF_MASK;
  for (let round = 0; round < 4; round++) {
    const f = hashParts(key, round, right) & HALF_MASK;
    [left, right] = [right, left ^ f];
  }
  return (left << HALF_BITS) | right;
}

/** Slot of the n-th resident (0-based) of a district; `key` mixes the seed and the district. */
export function residentIdSlot(countInDistrict: number, key: number): ResidentIdSlot {
  let x = countInDistrict % RESIDENT_SLOTS_PER_DISTRICT;
  do {
    x = feistel(x, key);
  } while (x >= RESIDENT_SLOTS_PER_DISTRICT);
  return { dayOfYear: x % 365, pair: Math.floor(x / 365) };
}

export function residentIdFor(divisionCode: string, birthDate: string, pair: number, sex: 'male' | 'female'): string {
  return makeResidentId(divisionCode, birthDate, pair * 2 + (sex === 'male' ? 1 : 2));
}

/**
 * FHIRPath for the GB 11643 resident identity number rules, used by the hub-patient invariants.
 * Mirrors src/domain/resident-id.ts (tests check the two agree).
 */
import { RESIDENT_ID_SYSTEM } from '../../../src/domain/resident-id';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** Canonical form: 17 digits and a digit or an upper-case X. */
export const RESIDENT_ID_FORMAT = "value.matches('^[0-9]{17}[0-9X]$')";

const year = 'value.substring(6, 4).toInteger()';
const month = 'value.substring(10, 2).toInteger()';
const day = 'value.substring(12, 2).toInteger()';

/** On an Identifier: the value has the canonical format. */
export const formatExpression = `value.exists() and ${RESIDENT_ID_FORMAT}`;

/** On an Identifier: characters 7-14 are a real calendar date (leap years included), year 1800 or later. */
export const birthDateExpression =
  `${RESIDENT_ID_FORMAT} implies (${year} >= 1800 and ${month} >= 1 and ${month} <= 12 and ${day} >= 1 and ` +
  `${day} <= iif(${month} = 2, iif((${year} mod 4 = 0 and ${year} mod 100 != 0) or ${year} mod 400 = 0, 29, 28), ` +
  `iif(${month} = 4 or ${month} = 6 or ${month} = 9 or ${month} = 11, 30, 31)))`;

/**
 * On an Identifier: ISO 7064 MOD 11-2 check character. The check characters 1 0 X 9 8 ... 2 stand for the
 * weighted sum mod 11 = 0, 1, 2, 3 ... 10, i.e. X -> 2 and digit c -> (12 - c) mod 11. (Written without a string
 * literal as focus: function arguments are evaluated against the focus, so `'10X98765432'.substring(<sum>)`
 * could not reach `value`.)
 */
export const checkDigitExpression =
  `${RESIDENT_ID_FORMAT} implies (iif(value.substring(17, 1) = 'X', 2, (12 - value.substring(17, 1).toInteger()) mod 11) = (` +
  WEIGHTS.map((w, i) => `value.substring(${i}, 1).toInteger() * ${w}`).join(' + ') +
  ') mod 11)';

const residentIds = `%resource.identifier.where(system = '${RESIDENT_ID_SYSTEM}' and ${RESIDENT_ID_FORMAT})`;

/** On Patient.birthDate: agrees with the birth date in every resident identity number. */
export const birthDateAgreementExpression =
  `${residentIds}.all(value.substring(6, 4) + '-' + value.substring(10, 2) + '-' + value.substring(12, 2) = %context.toString())`;

/** On Patient.gender: odd sequence number = male, even = female. */
export const genderAgreementExpression =
  `${residentIds}.all(iif(value.substring(16, 1).toInteger() mod 2 = 1, 'male', 'female') = %context)`;

/**
 * "The same condition" for the in-person-first rule (docs/prescriptions.md#same-condition), decided with the
 * hierarchy of the hub's ICD-10 clinical edition (profiles/CodeSystem-icd-10-cn-clinical.json, is-a):
 *
 * - a code and any code under it are the same condition: in person I10 covers an online I10.x00x003 (高血压1级);
 * - so is a code above it down to its category: in person I10.x00x004, online I10 (the online visit codes less
 *   specifically what was diagnosed in person);
 * - siblings are not: I11.900 (hypertensive heart disease) is not under I10, though both lie in the block
 *   I10–I15; an online I11.900 after an in-person I10 is a new diagnosis and needs an in-person visit.
 *
 * The CodeSystem is a fragment, so a code it does not list is placed by its spelling: the clinical edition
 * extends a parent code (`I10` → `I10.x00` → `I10.x00x003`, `I11.9` → `I11.900`), and nothing above the
 * three-character category counts.
 */
import type { CodeSystem } from '@medplum/fhirtypes';
import ICD10_CLINICAL from '../../../profiles/CodeSystem-icd-10-cn-clinical.json';
import { CodeSystemIndex } from '../../terminology/code-system-index';

const INDEX = new CodeSystemIndex(ICD10_CLINICAL as unknown as CodeSystem);
const CATEGORY = /^[A-Z]\d{2}/;

const normal = (code: string): string => code.trim().toUpperCase();

/** The codes above `code` in the CodeSystem (parents, their parents, …). */
function ancestors(code: string): Set<string> {
  const out = new Set<string>();
  const stack = [...(INDEX.get(code)?.parents ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (out.has(next)) continue;
    out.add(next);
    stack.push(...(INDEX.get(next)?.parents ?? []));
  }
  return out;
}

/** Whether `code` is `parent` or lies under it (CodeSystem hierarchy, else the code's spelling), never above a category. */
export function isUnder(code: string, parent: string): boolean {
  const c = normal(code);
  const p = normal(parent);
  if (!CATEGORY.test(p) || !CATEGORY.test(c)) return false;
  if (c === p) return true;
  if (INDEX.get(code) && INDEX.get(parent)) return [...ancestors(code)].some((a) => normal(a) === p);
  return c.startsWith(p);
}

/** Whether a diagnosis made in person (`inPerson`) and one of an online visit (`online`) are the same condition. */
export function sameCondition(inPerson: string, online: string): boolean {
  return isUnder(online, inPerson) || isUnder(inPerson, online);
}

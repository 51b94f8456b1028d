/** ICD-10 codes as the routing rules compare them: a code (I10, E11.9), a category (E78) or a range of categories (I10-I15). */
import type { CodeableConcept, Condition, ServiceRequest } from '@medplum/fhirtypes';
import type { RepoWriter } from '../../repository/repository';
import { load, target } from './model';

/** The category of a code: its first letter and two digits (`E11.902` → `E11`). */
export function category(code: string): string {
  return code.trim().toUpperCase().slice(0, 3);
}

function normal(code: string): string {
  return code.trim().toUpperCase();
}

/** Whether a pattern (code, category or range of categories) covers `code`. */
export function covers(pattern: string, code: string): boolean {
  const c = normal(code);
  const p = normal(pattern);
  const range = /^([A-Z])(\d{2})-([A-Z])(\d{2})$/.exec(p);
  if (range) {
    const cat = category(c);
    const from = `${range[1]}${range[2]}`;
    const to = `${range[3]}${range[4]}`;
    return /^[A-Z]\d{2}$/.test(cat) && cat >= from && cat <= to;
  }
  return c === p || c.startsWith(`${p}.`) || (p.length === 3 && c.startsWith(p));
}

/** How well a condition a service accepts matches a reason: 2 the code itself (or a parent code), 1 its category, 0 no match. */
export function eligibilityMatch(accepted: string, reason: string): 0 | 1 | 2 {
  const a = normal(accepted);
  const r = normal(reason);
  if (r === a || r.startsWith(`${a}.`)) return 2;
  return category(a) === category(r) ? 1 : 0;
}

const isIcd10 = (system: string | undefined): boolean => system !== undefined && system.toLowerCase().includes('icd-10');

export function icd10Codes(concepts: readonly (CodeableConcept | undefined)[]): string[] {
  return concepts.flatMap((c) => (c?.coding ?? []).filter((x) => isIcd10(x.system) && x.code).map((x) => x.code as string));
}

/** The ICD-10 reasons of a referral: its reasonCode, else the codes of the Conditions in reasonReference. */
export async function referralReasons(writer: RepoWriter, request: ServiceRequest): Promise<string[]> {
  const direct = icd10Codes(request.reasonCode ?? []);
  if (direct.length > 0) return direct;
  const out: string[] = [];
  for (const r of request.reasonReference ?? []) {
    const condition = await load<Condition>(writer, target(writer, r), 'Condition');
    out.push(...icd10Codes([condition?.code]));
  }
  return out;
}

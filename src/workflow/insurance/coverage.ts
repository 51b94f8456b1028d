/**
 * Basic medical insurance coverage (docs/insurance.md#coverage): a Coverage of the patient (beneficiary) whose type
 * names the scheme — 险种类型 310 城镇职工基本医疗保险 (urban employees) or 390 城乡居民基本医疗保险 (urban and rural
 * residents), CodeSystem insurance-type — with status active and a period that covers the date of the service.
 */
import type { Coverage } from '@medplum/fhirtypes';
import { CODE_SYSTEMS } from '../../profiles/canonical';
import type { RepoWriter } from '../../repository/repository';
import { target } from '../referral/model';

export function schemeOf(coverage: Coverage): string | undefined {
  return coverage.type?.coding?.find((c) => c.system === CODE_SYSTEMS.insuranceType.url && c.code)?.code;
}

const day = (value: string | undefined, end: boolean): number | undefined => {
  if (!value) return undefined;
  // A date without a time covers that whole day.
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T${end ? '23:59:59.999' : '00:00:00'}+08:00` : value);
  return Number.isNaN(t) ? undefined : t;
};

/** Why the Coverage does not cover the patient's service at `at` (ms), or undefined when it does. */
export function coverageProblem(writer: RepoWriter, coverage: Coverage | undefined, patient: string | undefined, at: number): string | undefined {
  if (!coverage) return 'is not a Coverage the hub has';
  if (coverage.status !== 'active') return `is ${coverage.status}, not active`;
  if (target(writer, coverage.beneficiary) !== patient) return 'covers another patient';
  if (!schemeOf(coverage)) return `names no basic medical insurance scheme (Coverage.type from ${CODE_SYSTEMS.insuranceType.url}: 310 or 390)`;
  const start = day(coverage.period?.start, false);
  const end = day(coverage.period?.end, true);
  if ((start !== undefined && at < start) || (end !== undefined && at > end)) {
    return `does not cover the service date ${new Date(at).toISOString().slice(0, 10)} (period ${coverage.period?.start ?? '…'} – ${coverage.period?.end ?? '…'})`;
  }
  return undefined;
}

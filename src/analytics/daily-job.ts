/**
 * The nightly indicators job (docs/authority.md#daily-reports): for each of the last `days` complete UTC days,
 * stores one summary MeasureReport per indicator for the whole region (with its stratifiers), id
 * `ind-{measure}-{yyyymmdd}`, `date` = the reported day, `period` = that day. A day already stored is left as it
 * is, so running the job twice (or on two hubs) changes nothing: trends are then read with
 * `MeasureReport?measure={url}&date=ge2026-01-01`.
 */
import type { MeasureReport } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/outcomes';
import type { Job, JobDeps, JobResult } from '../jobs/job';
import type { StoreReader } from '../store/port';
import { isError } from '../validation/validator';
import { INDICATORS } from './definitions';
import { Directory } from './directory';
import { evaluate } from './evaluate';
import { IndicatorQuery } from './query';

export const INDICATOR_JOB = 'indicator-reports';
/** 00:30 UTC every day. */
export const INDICATOR_SCHEDULE = '30 0 * * *';
const DAY = 86_400_000;

export interface IndicatorJobOptions {
  readonly schedule?: string;
  readonly store: StoreReader;
  /** How many complete days back to (re)fill when missing (default 1: yesterday). */
  readonly days?: number;
}

export function dailyReportId(measure: string, day: string): string {
  return `ind-${measure}-${day.replace(/-/g, '')}`;
}

export function indicatorReportsJob(options: IndicatorJobOptions): Job {
  return { name: INDICATOR_JOB, schedule: options.schedule ?? INDICATOR_SCHEDULE, run: (deps) => storeDailyReports(deps, options) };
}

export async function storeDailyReports(deps: JobDeps, options: IndicatorJobOptions): Promise<JobResult> {
  const counts = { stored: 0, existing: 0, invalid: 0, failed: 0 };
  const today = Math.floor(deps.now().getTime() / DAY) * DAY;
  const reader = deps.repo.reader(deps.ctx);
  const directory = await Directory.load(new IndicatorQuery(options.store, reader, deps.now().getTime()));
  for (let back = options.days ?? 1; back >= 1; back--) {
    const start = today - back * DAY;
    const day = new Date(start).toISOString().slice(0, 10);
    for (const indicator of INDICATORS) {
      if (deps.signal.aborted) return counts;
      const id = dailyReportId(indicator.id, day);
      if (await reader.currentVersion('MeasureReport', id)) {
        counts.existing++;
        continue;
      }
      const period = { start, end: start + DAY };
      const computed = await evaluate({ store: options.store, repo: deps.repo }, deps.ctx, {
        indicator,
        period,
        subject: { kind: 'region' },
        periodText: { start: new Date(start).toISOString(), end: new Date(start + DAY - 1).toISOString() },
      }, { directory });
      const report: MeasureReport = { ...computed, id, date: day };
      const issues = (await deps.services.validator.validate(report)).filter(isError);
      if (issues.length > 0) {
        deps.log.warn({ report: `MeasureReport/${id}`, issues: issues.slice(0, 3) }, 'daily indicator report not stored: it is not valid');
        counts.invalid++;
        continue;
      }
      try {
        await deps.repo.write(deps.ctx, (w) => w.put(report, { method: 'PUT', mustNotExist: true }));
        counts.stored++;
      } catch (error: unknown) {
        // Another hub stored the same day meanwhile: that is the idempotent outcome.
        if (error instanceof FhirError && error.status === 409) counts.existing++;
        else {
          deps.log.warn({ report: `MeasureReport/${id}`, err: error }, 'daily indicator report not stored');
          counts.failed++;
        }
      }
    }
  }
  return counts;
}

/**
 * Measure/[id]/$evaluate-measure and Measure/$evaluate-measure?measure={url} (FHIR R4
 * measure-operation-evaluate-measure) for the hub's indicators (src/analytics, docs/authority.md):
 * `periodStart` and `periodEnd` (required; dates or dateTimes, a date covering its whole day in UTC as everywhere
 * in the hub), `subject` (optional: `Organization/{id}` for a clinic, `district/{GB/T 2260 code}` for a
 * district, the whole region when absent) and `reportType` (only `summary`). Answers a summary MeasureReport,
 * computed on the fly and not stored (the nightly job stores daily ones).
 */
import { evaluate, indicatorContext, parseSubject } from '../../analytics/evaluate';
import { indicatorById, indicatorByUrl } from '../../analytics/definitions';
import { dateRange } from '../../search/dates';
import type { StoreReader } from '../../store/port';
import type { OperationDefinitionRef } from '../operations';
import { fail } from '../outcomes';
import { OperationParams } from './params';

/** Longest period one evaluation may cover. */
const MAX_PERIOD_DAYS = 3700;
const UNSUPPORTED = ['patient', 'practitioner', 'lastReceivedOn'];

export function parsePeriod(startText: string | undefined, endText: string | undefined): { start: number; end: number } {
  if (!startText || !endText) throw fail(400, 'required', '$evaluate-measure needs periodStart and periodEnd (dates such as 2026-01-01)', [startText ? 'periodEnd' : 'periodStart']);
  const start = dateRange(startText);
  if (!start) throw fail(400, 'invalid', `periodStart '${startText}' is not a FHIR date or dateTime`, ['periodStart']);
  const end = dateRange(endText);
  if (!end) throw fail(400, 'invalid', `periodEnd '${endText}' is not a FHIR date or dateTime`, ['periodEnd']);
  if (end.hi < start.lo) throw fail(400, 'invalid', `periodEnd ${endText} is before periodStart ${startText}`, ['periodEnd']);
  if (end.hi - start.lo > MAX_PERIOD_DAYS * 86_400_000) throw fail(400, 'too-costly', `the period may cover at most ${MAX_PERIOD_DAYS} days`, ['periodEnd']);
  return { start: start.lo, end: end.hi + 1 };
}

export function evaluateMeasureOperation(store: StoreReader): OperationDefinitionRef {
  return {
    name: 'evaluate-measure',
    levels: ['type', 'instance'],
    resourceTypes: ['Measure'],
    definition: 'http://hl7.org/fhir/OperationDefinition/Measure-evaluate-measure',
    idempotent: true,
    async handle(ctx, services, req, target) {
      const params = OperationParams.from(req);
      let indicator;
      if (target.level === 'instance') {
        indicator = indicatorById(target.id ?? '');
        if (!indicator) throw fail(404, 'not-found', `Measure/${target.id ?? ''} is not an indicator of the hub (see docs/authority.md)`);
      } else {
        const url = params.string('measure');
        if (!url) throw fail(400, 'required', 'Measure/$evaluate-measure needs measure={canonical url of the Measure}', ['measure']);
        indicator = indicatorByUrl(url);
        if (!indicator) throw fail(404, 'not-found', `${url} is not an indicator of the hub (see docs/authority.md)`, ['measure']);
      }
      const reportType = params.string('reportType') ?? 'summary';
      if (reportType !== 'summary') throw fail(400, 'not-supported', `reportType '${reportType}' is not supported: the hub answers summary reports only (no patient lists)`, ['reportType']);
      for (const name of UNSUPPORTED) if (params.string(name) !== undefined) throw fail(400, 'not-supported', `parameter '${name}' is not supported: the hub's indicators are population summaries`, [name]);
      const periodStart = params.string('periodStart');
      const periodEnd = params.string('periodEnd');
      const period = parsePeriod(periodStart, periodEnd);
      const subject = parseSubject(params.string('subject'));
      const runAs = indicatorContext(ctx, subject);
      const report = await evaluate({ store, repo: services.repo }, runAs, { indicator, period, subject, periodText: { start: periodStart as string, end: periodEnd as string } });
      return { status: 200, body: report };
    },
  };
}

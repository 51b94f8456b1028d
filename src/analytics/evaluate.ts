/**
 * Evaluating one indicator over a period for a subject: the whole region, a clinic (`Organization/{id}`) or a
 * district (`district/{GB/T 2260 code}`, also written as the token `https://fhir.health-community-hub.cn/CodeSystem/gb-t-2260|{code}`).
 * Who may ask for what (docs/authority.md#access): the health authority and administrators evaluate any
 * subject over all data; a clinic or hospital evaluates only itself, over the data it may see.
 */
import type { MeasureReport } from '@medplum/fhirtypes';
import type { RequestContext } from '../context';
import { isAdministrator } from '../context';
import { fail, refuse } from '../fhir/outcomes';
import { EXTERNAL_SYSTEMS } from '../profiles/canonical';
import type { RepoReader, ResourceAccess } from '../repository/repository';
import type { StoreReader } from '../store/port';
import type { IndicatorDefinition } from './definitions';
import { demographicsOf, Directory } from './directory';
import type { Fact } from './facts';
import { FACTS } from './facts';
import type { Period } from './query';
import { IndicatorQuery } from './query';
import { buildReport, stratumKeys } from './report';

export type Subject = { readonly kind: 'region' } | { readonly kind: 'organization'; readonly ref: string } | { readonly kind: 'district'; readonly code: string };

const DISTRICT_TOKEN = `${EXTERNAL_SYSTEMS.adminDivision}|`;

/** The `subject` parameter: absent (the region), `Organization/{id}`, `district/{code}` or `<gb-t-2260>|{code}`. */
export function parseSubject(value: string | undefined): Subject {
  if (value === undefined || value === '') return { kind: 'region' };
  const org = /^Organization\/([A-Za-z0-9\-.]{1,64})$/.exec(value);
  if (org) return { kind: 'organization', ref: value };
  const code = value.startsWith('district/') ? value.slice('district/'.length) : value.startsWith(DISTRICT_TOKEN) ? value.slice(DISTRICT_TOKEN.length) : undefined;
  if (code !== undefined && /^\d{6}$/.test(code)) return { kind: 'district', code };
  throw fail(400, 'invalid', `subject '${value}' must be Organization/{id} (a clinic), district/{GB/T 2260 code} or ${DISTRICT_TOKEN}{code} (a district); leave it out for the whole region`, ['subject']);
}

/**
 * The context the indicator's reads run in, or a 403: the authority and administrators read everything (as
 * aggregates), a clinic or hospital only its own organization's indicators through its usual access scope.
 */
export function indicatorContext(ctx: RequestContext, subject: Subject): RequestContext {
  const who = ctx.identity;
  if (isAdministrator(who)) return ctx;
  if (who.role === 'authority') return { ...ctx, aggregate: true };
  if (who.role === 'clinic' || who.role === 'hospital') {
    const own = who.organization ? `Organization/${who.organization.replace(/^Organization\//, '')}` : undefined;
    if (subject.kind === 'organization' && subject.ref === own) return ctx;
    throw refuse(403, 'forbidden', 'indicator-subject', 'A clinic or hospital evaluates indicators for itself only', `a ${who.role} evaluates indicators for its own organization only: use subject=${own ?? 'Organization/{your id}'}`);
  }
  throw refuse(403, 'forbidden', 'indicator-role', 'This role may not evaluate indicators', `the ${who.role ?? 'caller'}'s role may not evaluate indicators`);
}

export interface EvaluationDeps {
  readonly store: StoreReader;
  readonly repo: ResourceAccess;
}

export interface Evaluation {
  readonly indicator: IndicatorDefinition;
  readonly period: Period;
  readonly subject: Subject;
  /** The period as written in the report. */
  readonly periodText: { start: string; end: string };
}

function keepFact(subject: Subject, directory: Directory): (f: Fact) => boolean {
  if (subject.kind === 'organization') return (f) => f.clinic === subject.ref;
  if (subject.kind === 'district') return (f) => directory.districtOf(f.clinic) === subject.code;
  return () => true;
}

function subjectReference(subject: Subject): MeasureReport['subject'] {
  if (subject.kind === 'organization') return { reference: subject.ref };
  if (subject.kind === 'district') return { identifier: { system: EXTERNAL_SYSTEMS.adminDivision, value: subject.code }, display: `district ${subject.code}` };
  return undefined;
}

/** Computes the summary MeasureReport (not stored). `ctx` must come from indicatorContext. */
export async function evaluate(deps: EvaluationDeps, ctx: RequestContext, e: Evaluation, loaded?: { directory: Directory }): Promise<MeasureReport> {
  const reader: RepoReader = deps.repo.reader(ctx);
  const now = ctx.now();
  const q = new IndicatorQuery(deps.store, reader, now.getTime());
  const directory = loaded?.directory ?? (await Directory.load(q));
  if (e.subject.kind === 'organization' && !directory.knows(e.subject.ref)) throw fail(400, 'invalid', `subject ${e.subject.ref} is not an organization of the hub`, ['subject']);
  if (e.subject.kind === 'district' && directory.organizationsIn(e.subject.code).length === 0) {
    throw fail(400, 'invalid', `no organization of the hub lies in district ${e.subject.code}`, ['subject']);
  }
  const facts = (await FACTS[e.indicator.id]({ q, directory, period: e.period })).filter(keepFact(e.subject, directory));
  const demographics = await demographicsOf(q, facts.flatMap((f) => (f.patient ? [f.patient] : [])), new Date(e.period.end - 1));
  return buildReport({
    indicator: e.indicator,
    facts,
    keys: (f) => stratumKeys(f, directory, demographics),
    period: e.periodText,
    date: now.toISOString(),
    subject: subjectReference(e.subject),
  });
}

/**
 * Patient/{id}/$everything (FHIR R4 patient-operation-everything): the patient and every resource in the
 * patient's compartment except the audit trail (AuditEvent is in the R4 compartment, but it is the record of
 * who looked, not part of the patient's record), as a paged searchset. Parameters:
 * - `start`, `end` (date or dateTime): care dates. A resource whose care date (the search parameter of its type in
 *   CARE_DATES: Observation `date`, Encounter `date`, CarePlan `date` (its period), Task `authored-on` …) lies wholly
 *   before `start` or after `end` is left out; the Patient and resources without a care date are always returned.
 * - `_since` (instant): only resources changed at or after it (meta.lastUpdated).
 * - `_type`: only these types (comma-separated, types of the patient compartment).
 * - `_count`: page size (at most the server's maximum); `next` links page on with an opaque `_cursor`.
 * - `_summary`, `_elements`: shape each resource as a search does.
 * Order: the Patient first, then type by type (alphabetically) and by id, so paging is stable under writes.
 * Reads go through the repository's access scope like any search: a caller sees only what it may see.
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { patientDataTypes } from '../../access/resource-classes';
import type { CompileContext } from '../../search/compile';
import { dateRange } from '../../search/dates';
import type { SearchRequest, SummaryMode } from '../../search/parse';
import { parseSearch } from '../../search/parse';
import { shapeResource } from '../../search/shape';
import type { Filter } from '../../store/port';
import type { RepoReader } from '../../repository/repository';
import type { OperationDefinitionRef } from '../operations';
import { fail } from '../outcomes';
import type { FhirServices } from '../services';

/** The search parameter that carries each type's care date (R4 codes); types not listed have none. */
export const CARE_DATES: Readonly<Record<string, string>> = {
  AllergyIntolerance: 'date',
  Appointment: 'date',
  CarePlan: 'date',
  CareTeam: 'date',
  Claim: 'created',
  ClaimResponse: 'created',
  ClinicalImpression: 'date',
  Communication: 'sent',
  CommunicationRequest: 'authored',
  Composition: 'date',
  Condition: 'recorded-date',
  Consent: 'date',
  DeviceRequest: 'authored-on',
  DiagnosticReport: 'date',
  DocumentReference: 'date',
  Encounter: 'date',
  EpisodeOfCare: 'date',
  ExplanationOfBenefit: 'created',
  Flag: 'date',
  Goal: 'start-date',
  Immunization: 'date',
  List: 'date',
  MedicationAdministration: 'effective-time',
  MedicationDispense: 'whenhandedover',
  MedicationRequest: 'authoredon',
  MedicationStatement: 'effective',
  Observation: 'date',
  Procedure: 'date',
  QuestionnaireResponse: 'authored',
  RiskAssessment: 'date',
  ServiceRequest: 'authored',
  Task: 'authored-on',
};

const PARAMETERS = new Set(['start', 'end', '_since', '_type', '_count', '_cursor', '_summary', '_elements', '_format', '_pretty']);

interface Params {
  readonly start?: string;
  readonly end?: string;
  readonly since?: number;
  readonly types: readonly string[];
  readonly count: number;
  readonly cursor?: { readonly type: number; readonly id: string };
  readonly summary?: SummaryMode;
  readonly elements?: readonly string[];
}

const single = (query: ReadonlyArray<readonly [string, string]>, name: string): string | undefined => {
  const values = query.filter(([k]) => k === name).map(([, v]) => v);
  if (values.length > 1) throw fail(400, 'invalid', `$everything takes one '${name}' parameter, not ${values.length}`);
  return values[0];
};

function dateParam(query: ReadonlyArray<readonly [string, string]>, name: 'start' | 'end'): string | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  if (!dateRange(value)) throw fail(400, 'invalid', `$everything: '${name}' must be a FHIR date or dateTime (2026-01-01, 2026-01-01T08:00:00+08:00), not '${value}'`);
  return value;
}

function parseParams(query: ReadonlyArray<readonly [string, string]>, maxCount: number, defaultCount: number): Params {
  const unknown = query.map(([k]) => k).filter((k) => !PARAMETERS.has(k));
  if (unknown.length > 0) throw fail(400, 'not-supported', `$everything does not support the parameter '${unknown[0]}' (supported: start, end, _since, _type, _count, _summary, _elements)`);
  const start = dateParam(query, 'start');
  const end = dateParam(query, 'end');
  const startRange = start ? dateRange(start) : undefined;
  const endRange = end ? dateRange(end) : undefined;
  if (startRange && endRange && startRange.lo > endRange.hi) throw fail(400, 'invalid', `$everything: start (${start ?? ''}) lies after end (${end ?? ''})`);
  const sinceText = single(query, '_since');
  const since = sinceText === undefined ? undefined : Date.parse(sinceText);
  if (sinceText !== undefined && (!/^\d{4}-\d{2}-\d{2}T/.test(sinceText) || Number.isNaN(since))) {
    throw fail(400, 'invalid', `$everything: '_since' must be an instant (2026-01-01T00:00:00Z), not '${sinceText}'`);
  }
  const allowed = ['Patient', ...patientDataTypes().filter((t) => t !== 'Patient').sort()];
  const typeText = single(query, '_type');
  const types = typeText === undefined ? allowed : typeText.split(',').map((t) => t.trim());
  const foreign = types.filter((t) => !allowed.includes(t));
  if (foreign.length > 0) throw fail(400, 'invalid', `$everything: _type ${foreign.join(', ')} is not a type of the patient's record`);
  const countText = single(query, '_count');
  const count = countText === undefined ? defaultCount : Number(countText);
  if (!Number.isInteger(count) || count < 1) throw fail(400, 'invalid', `$everything: '_count' must be a whole number of at least 1, not '${countText ?? ''}'`);
  const shaping = parseSearch(query.filter(([k]) => k === '_summary' || k === '_elements'));
  return {
    start,
    end,
    since,
    types: allowed.filter((t) => types.includes(t)),
    count: Math.min(count, maxCount),
    cursor: decodeCursor(single(query, '_cursor')),
    summary: shaping.summary,
    elements: shaping.elements,
  };
}

function decodeCursor(text: string | undefined): Params['cursor'] {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString());
    if (Array.isArray(value) && Number.isInteger(value[0]) && typeof value[1] === 'string') return { type: value[0] as number, id: value[1] };
  } catch {
    // fall through
  }
  throw fail(400, 'invalid', 'the paging cursor is not valid');
}

const encodeCursor = (type: number, id: string): string => Buffer.from(JSON.stringify([type, id])).toString('base64url');

/** The query of one type: the compartment (or the Patient itself), `_since`, and the care-date range where the type has one. */
async function filterOf(services: FhirServices, reader: RepoReader, type: string, patientId: string, p: Params): Promise<Filter> {
  const cc: CompileContext = { registry: services.search.registry, reader, baseUrl: reader.ctx.baseUrl, now: reader.ctx.now().getTime(), strict: true, warnings: [] };
  const clauses: Filter[] = [];
  if (p.since !== undefined) clauses.push({ ts: { $gte: p.since } });
  const code = CARE_DATES[type];
  if (type !== 'Patient' && code && services.search.registry.get(type, code) && (p.start || p.end)) {
    const req: SearchRequest = parseSearch([...(p.start ? [[code, `ge${p.start}`] as const] : []), ...(p.end ? [[code, `le${p.end}`] as const] : [])]);
    const dated = await services.search.filterFor(cc, type, req);
    clauses.push({ $or: [dated, { [`idx.${code}`]: { $exists: false } }] });
  }
  const base = type === 'Patient' ? { _id: patientId, deleted: { $ne: true } } : await services.search.filterFor(cc, type, parseSearch([]), `Patient/${patientId}`);
  return clauses.length === 0 ? base : { $and: [base, ...clauses] };
}

function pageLink(base: string, query: ReadonlyArray<readonly [string, string]>, cursor: string | undefined): string {
  const params = new URLSearchParams(query.filter(([k]) => k !== '_cursor' && k !== '_format').map(([k, v]): [string, string] => [k, v]));
  if (cursor) params.set('_cursor', cursor);
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}

export const everythingOperation: OperationDefinitionRef = {
  name: 'everything',
  levels: ['instance'],
  resourceTypes: ['Patient'],
  definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
  idempotent: true,
  async handle(ctx, services, req, target) {
    if (!target.id) throw fail(400, 'invalid', '$everything needs a patient id');
    const p = parseParams(req.query, services.search.maxCount, services.search.defaultCount);
    const reader = services.repo.reader(ctx);
    await reader.read('Patient', target.id);
    const found: Array<{ type: number; resource: Resource; id: string }> = [];
    for (let t = p.cursor?.type ?? 0; t < p.types.length && found.length <= p.count; t++) {
      const type = p.types[t];
      const filter = await filterOf(services, reader, type, target.id, p);
      const after = p.cursor && t === p.cursor.type ? { $and: [filter, { _id: { $gt: p.cursor.id } }] } : filter;
      for await (const doc of reader.find(type, after, { sort: [['_id', 1]], limit: p.count + 1 - found.length })) {
        if (doc.res) found.push({ type: t, resource: doc.res as Resource, id: doc._id });
      }
    }
    const page = found.slice(0, p.count);
    const last = page[page.length - 1];
    const more = found.length > p.count && last !== undefined;
    const self = `${ctx.baseUrl}/Patient/${target.id}/$everything`;
    const entry: BundleEntry[] = page.map(({ resource }) => ({
      fullUrl: `${ctx.baseUrl}/${resource.resourceType}/${resource.id ?? ''}`,
      resource: shapeResource(resource, p.summary, p.elements),
      search: { mode: 'match' },
    }));
    const link: NonNullable<Bundle['link']> = [{ relation: 'self', url: pageLink(self, req.query, p.cursor ? encodeCursor(p.cursor.type, p.cursor.id) : undefined) }];
    if (more) link.push({ relation: 'next', url: pageLink(self, req.query, encodeCursor(last.type, last.id)) });
    const body: Bundle = { resourceType: 'Bundle', type: 'searchset', ...(!p.cursor && !more ? { total: page.length } : {}), link, entry };
    return { status: 200, body };
  },
};

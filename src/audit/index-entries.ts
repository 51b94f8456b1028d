/**
 * The search index of an AuditEvent without FHIRPath. Indexing an AuditEvent through the generic indexer
 * evaluates ~20 FHIRPath expressions and cost three times a Patient's (docs/audit.md#performance); every
 * read writes one, so the hub reads the values of the R4 AuditEvent parameters straight from the
 * resource and hands them to the same parameter units (src/search/params) the indexer uses. The entries
 * are therefore the indexer's own (tests/audit/index-entries.test.ts compares them). A parameter the hub
 * does not know here (a custom SearchParameter on AuditEvent) sends the whole resource to the indexer.
 */
import type { TypedValue } from '@medplum/core';
import type { AuditEvent, Reference } from '@medplum/fhirtypes';
import type { ResourceIndex } from '../search/indexer';
import { addParameterEntries, compartmentsOf, indexResource } from '../search/indexer';
import type { SearchParamRegistry } from '../search/registry';

type Values = (event: AuditEvent, baseUrl: string) => TypedValue[];

const typed = (type: string, values: readonly unknown[]): TypedValue[] => values.filter((v) => v !== undefined && v !== null && v !== '').map((value) => ({ type, value }));

/** `patient`: `agent.who.where(resolve() is Patient) | entity.what.where(resolve() is Patient)` — a union, so without repeats. */
function patientReferences(event: AuditEvent, baseUrl: string): TypedValue[] {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const seen = new Set<string>();
  const out: Reference[] = [];
  for (const ref of [...(event.agent ?? []).map((a) => a.who), ...(event.entity ?? []).map((x) => x.what)]) {
    const local = ref?.reference?.startsWith(base) ? ref.reference.slice(base.length) : ref?.reference;
    if (!ref || !local || !/^Patient\/[^/]+/.test(local)) continue;
    const key = JSON.stringify(ref);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(ref);
  }
  return typed('Reference', out);
}

const R4 = 'http://hl7.org/fhir/SearchParameter/';
/** The values each parameter's expression selects, by the parameter's canonical URL. */
const VALUES: ReadonlyMap<string, Values> = new Map<string, Values>([
  [`${R4}Resource-lastUpdated`, (e) => typed('instant', [e.meta?.lastUpdated])],
  [`${R4}Resource-profile`, (e) => typed('canonical', e.meta?.profile ?? [])],
  [`${R4}Resource-security`, (e) => typed('Coding', e.meta?.security ?? [])],
  [`${R4}Resource-source`, (e) => typed('uri', [e.meta?.source])],
  [`${R4}Resource-tag`, (e) => typed('Coding', e.meta?.tag ?? [])],
  [`${R4}AuditEvent-action`, (e) => typed('code', [e.action])],
  [`${R4}AuditEvent-address`, (e) => typed('string', (e.agent ?? []).map((a) => a.network?.address))],
  [`${R4}AuditEvent-agent`, (e) => typed('Reference', (e.agent ?? []).map((a) => a.who))],
  [`${R4}AuditEvent-agent-name`, (e) => typed('string', (e.agent ?? []).map((a) => a.name))],
  [`${R4}AuditEvent-agent-role`, (e) => typed('CodeableConcept', (e.agent ?? []).flatMap((a) => a.role ?? []))],
  [`${R4}AuditEvent-altid`, (e) => typed('string', (e.agent ?? []).map((a) => a.altId))],
  [`${R4}AuditEvent-date`, (e) => typed('instant', [e.recorded])],
  [`${R4}AuditEvent-entity`, (e) => typed('Reference', (e.entity ?? []).map((x) => x.what))],
  [`${R4}AuditEvent-entity-name`, (e) => typed('string', (e.entity ?? []).map((x) => x.name))],
  [`${R4}AuditEvent-entity-role`, (e) => typed('Coding', (e.entity ?? []).map((x) => x.role))],
  [`${R4}AuditEvent-entity-type`, (e) => typed('Coding', (e.entity ?? []).map((x) => x.type))],
  [`${R4}AuditEvent-outcome`, (e) => typed('code', [e.outcome])],
  [`${R4}AuditEvent-patient`, patientReferences],
  [`${R4}AuditEvent-policy`, (e) => typed('uri', (e.agent ?? []).flatMap((a) => a.policy ?? []))],
  [`${R4}AuditEvent-site`, (e) => typed('string', [e.source?.site])],
  [`${R4}AuditEvent-source`, (e) => typed('Reference', [e.source?.observer])],
  [`${R4}AuditEvent-subtype`, (e) => typed('Coding', e.subtype ?? [])],
  [`${R4}AuditEvent-type`, (e) => typed('Coding', [e.type])],
]);

export function auditEventIndex(event: AuditEvent, registry: SearchParamRegistry, baseUrl: string): ResourceIndex {
  const defs = registry.forType('AuditEvent');
  if ([...defs.values()].some((def) => !VALUES.has(def.url))) return indexResource(event, registry, { baseUrl });
  const idx: ResourceIndex['idx'] = {};
  const srt: ResourceIndex['srt'] = {};
  const srd: ResourceIndex['srd'] = {};
  for (const [code, def] of defs) {
    const values = VALUES.get(def.url)?.(event, baseUrl) ?? [];
    if (values.length > 0) addParameterEntries({ idx, srt, srd }, code, def, values, { baseUrl });
  }
  return { idx, srt, srd, comp: compartmentsOf(event, idx) };
}

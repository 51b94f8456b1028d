/**
 * AuditEvents are indexed without FHIRPath (src/audit/index-entries.ts) for speed; every search the
 * authority runs relies on those entries being exactly what the generic indexer would have produced.
 */
import type { AuditEvent, SearchParameter } from '@medplum/fhirtypes';
import { auditEventOf } from '../../src/audit/audit-event';
import { auditEventIndex } from '../../src/audit/index-entries';
import type { AuditRecord } from '../../src/audit/port';
import type { Identity } from '../../src/context';
import { loadR4Definitions, readR4SearchParameters } from '../../src/fhir/definitions';
import { loadImplementationGuide } from '../../src/profiles/implementation-guide';
import { indexResource } from '../../src/search/indexer';
import { SearchParamRegistry } from '../../src/search/registry';

const BASE = 'http://hub.test/fhir';
let registry: SearchParamRegistry;

beforeAll(() => {
  loadR4Definitions();
  const guide = loadImplementationGuide();
  registry = new SearchParamRegistry([...(readR4SearchParameters().entry ?? []).flatMap((e) => (e.resource ? [e.resource] : [])), ...guide.searchParameters]);
});

const CLIENT: Identity = { kind: 'client', clientId: 'clinic-050-app', organization: 'Organization/org-clinic-050', role: 'clinic', tokenId: 'jti-1' };

function event(record: Partial<AuditRecord>): AuditEvent {
  const full: AuditRecord = { interaction: 'read', action: 'R', status: 200, at: new Date('2026-05-01T08:00:00.123Z'), requestId: 'req-1', identity: CLIENT, ...record };
  const e = auditEventOf(full, 'ae-1');
  return { ...e, meta: { versionId: '1', lastUpdated: '2026-05-01T08:00:01.000Z' } };
}

const CASES: Array<[string, AuditEvent]> = [
  ['a read of a resource with its patient', event({ entities: ['Observation/o-1/_history/2'], patients: ['Patient/p-1'], address: '10.0.0.7' })],
  ['a search with its query and many patients', event({ interaction: 'search-type', query: 'Observation?code=http://loinc.org|85354-9&_sort=-date', patients: ['Patient/p-1', 'Patient/p-2', 'Patient/p-3'] })],
  ['an emergency access', event({ identity: { ...CLIENT, breakTheGlass: { reason: 'unconscious' } }, entities: ['Patient/p-9/_history/1'], patients: ['Patient/p-9'] })],
  ['a token request', event({ interaction: 'token', action: 'E', address: '10.0.0.8' })],
  ['a refused request of an anonymous caller', event({ identity: { kind: 'anonymous' }, status: 401, failure: '401 login', interaction: 'authenticate', action: 'E' })],
  ['an operation by the hub itself', event({ identity: { kind: 'system', role: 'admin' }, interaction: 'operation:everything', action: 'E', entities: ['Patient/p-1'], patients: ['Patient/p-1'] })],
  [
    'a patient as agent, names and a site',
    {
      ...event({ entities: ['Patient/p-1'] }),
      agent: [{ who: { reference: 'Patient/p-1' }, name: '王小明', requestor: true, policy: ['urn:policy:a', 'urn:policy:b'] }],
      source: { site: 'tianjin', observer: { reference: 'Device/d-1' } },
    },
  ],
  ['an absolute reference to this server', { ...event({}), entity: [{ what: { reference: `${BASE}/Patient/p-4` } }] }],
];

test.each(CASES)('%s: the same entries, sort keys and compartments as the generic indexer', (_name, e) => {
  expect(auditEventIndex(e, registry, BASE)).toEqual(indexResource(e, registry, { baseUrl: BASE }));
});

test('a custom SearchParameter on AuditEvent is indexed too', () => {
  const custom: SearchParameter = {
    resourceType: 'SearchParameter',
    url: 'https://fhir.health-community-hub.cn/SearchParameter/audit-request-id',
    name: 'request-id',
    status: 'active',
    description: 'the request id',
    code: 'request-id',
    base: ['AuditEvent'],
    type: 'token',
    expression: 'AuditEvent.entity.what.identifier',
  };
  const withCustom = new SearchParamRegistry([...(readR4SearchParameters().entry ?? []).flatMap((x) => (x.resource ? [x.resource] : [])), custom]);
  const e = event({});
  const index = auditEventIndex(e, withCustom, BASE);
  expect(index.idx['request-id']).toEqual(expect.arrayContaining([expect.objectContaining({ c: 'req-1' })]));
  expect(index).toEqual(indexResource(e, withCustom, { baseUrl: BASE }));
});

/**
 * Patient/{id}/$everything (FHIR R4 patient-operation-everything): the patient and every resource in the
 * patient's compartment except the audit trail (AuditEvent is in the R4 compartment, but it is the record of
 * who looked, not part of the patient's record), as a paged searchset. `_type` narrows the types, `_since` keeps resources changed
 * since then, `_count` sets the page size. Reads go through the same search and access scope as any search.
 */
import { patientDataTypes } from '../../access/resource-classes';
import type { OperationDefinitionRef } from '../operations';
import { fail } from '../outcomes';

const PASSED_ON = new Set(['_count', '_type', '_cursor', '_elements', '_summary']);

export const everythingOperation: OperationDefinitionRef = {
  name: 'everything',
  levels: ['instance'],
  resourceTypes: ['Patient'],
  definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
  idempotent: true,
  async handle(ctx, services, req, target) {
    if (!target.id) throw fail(400, 'invalid', '$everything needs a patient id');
    const reader = services.repo.reader(ctx);
    await reader.read('Patient', target.id);
    const query: Array<[string, string]> = req.query.filter(([k]) => PASSED_ON.has(k)).map(([k, v]) => [k, v]);
    const since = req.query.find(([k]) => k === '_since')?.[1];
    if (since) query.push(['_lastUpdated', `ge${since}`]);
    if (!query.some(([k]) => k === '_count')) query.push(['_count', String(services.search.maxCount)]);
    const bundle = await services.search.search(ctx, reader, {
      types: patientDataTypes(),
      query,
      compartment: `Patient/${target.id}`,
      strict: false,
      linkBase: `${ctx.baseUrl}/Patient/${target.id}/$everything`,
    });
    return { status: 200, body: bundle };
  },
};

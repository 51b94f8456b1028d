/**
 * `$export` (Bulk Data Access 2.0): http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export at [base]/$export,
 * patient-export at [base]/Patient/$export and group-export at [base]/Group/[id]/$export. GET and POST; the
 * answer is 202 with `Content-Location` (the status URL). Runs through the router like every operation, so
 * the caller is authenticated, its scopes checked (src/access/authorize.ts), and the kick-off audited.
 */
import type { OperationDefinitionRef } from '../fhir/operations';
import type { ExportService } from './service';

export const EXPORT_DEFINITION = 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export';

export function exportOperation(service: ExportService): OperationDefinitionRef {
  return {
    name: 'export',
    levels: ['system', 'type', 'instance'],
    resourceTypes: ['Patient', 'Group'],
    definition: EXPORT_DEFINITION,
    idempotent: true,
    handle: (ctx, _services, req, target) => service.kickOff(ctx, req, target),
  };
}

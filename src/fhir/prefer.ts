/** The `Prefer` header's return= directive applied to a write's response. */
import type { OperationOutcome } from '@medplum/fhirtypes';
import type { FhirRequest, FhirResponse } from './request';
import { preference } from './request';

/** `Prefer: return=minimal | representation | OperationOutcome` on writes (http.html#ops). */
export function applyReturnPreference(req: FhirRequest, response: FhirResponse): FhirResponse {
  const want = preference(req, 'return');
  if (want === 'minimal') return { ...response, body: undefined };
  if (want === 'OperationOutcome') {
    const oo: OperationOutcome = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'information', code: 'informational', details: { text: `${response.status === 201 ? 'created' : 'updated'} ${response.body?.resourceType ?? ''}/${response.body?.id ?? ''}` } }],
    };
    return { ...response, body: oo };
  }
  return response;
}


/**
 * Input parameters of an `$operation`: from the query string (GET, or POST with a form) or from a
 * Parameters body (POST), as FHIR R4 operations.html sets out.
 */
import type { Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import type { FhirRequest } from '../request';
import { fail } from '../outcomes';

function wellFormed(list: unknown): ParametersParameter[] {
  if (!Array.isArray(list)) return [];
  return list.filter((p: unknown): p is ParametersParameter => typeof p === 'object' && p !== null && typeof (p as { name?: unknown }).name === 'string');
}

export class OperationParams {
  private constructor(private readonly params: ParametersParameter[]) {}

  static from(req: FhirRequest): OperationParams {
    const params: ParametersParameter[] = req.query.filter(([k]) => !k.startsWith('_')).map(([name, value]) => ({ name, valueString: value }));
    const body = req.body as Resource | undefined;
    if (req.method === 'POST' && body !== undefined && body !== null) {
      // Only well-formed parameters (objects with a name) are read; the rest cannot name anything.
      if (body.resourceType === 'Parameters') params.push(...wellFormed((body as Parameters).parameter));
      else params.push({ name: 'resource', resource: body });
    }
    return new OperationParams(params);
  }

  /** A primitive value (string, code, uri, integer, boolean…) by name. */
  string(name: string): string | undefined {
    const p = this.params.find((x) => x.name === name);
    if (!p) return undefined;
    for (const [k, v] of Object.entries(p)) {
      if (k.startsWith('value') && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) return String(v);
    }
    return undefined;
  }

  integer(name: string): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw fail(400, 'invalid', `parameter '${name}' must be a non-negative integer`);
    return Number(v);
  }

  /** A complex value (Coding, CodeableConcept…) by name. */
  value<T>(name: string, key: string): T | undefined {
    const p = this.params.find((x) => x.name === name) as Record<string, unknown> | undefined;
    return p?.[key] as T | undefined;
  }

  resource(name: string): Resource | undefined {
    return this.params.find((x) => x.name === name)?.resource;
  }
}

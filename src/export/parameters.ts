/**
 * The kick-off request's parameters (Bulk Data Access 2.0, export.html#query-parameters): from the query of a
 * GET, or from the query and a Parameters body of a POST. Unsupported parameters and values are a 400
 * OperationOutcome; under `Prefer: handling=lenient` an unsupported parameter is ignored and noted instead
 * (the notes go into the manifest's `error` file). A malformed value is a 400 either way.
 */
import type { Parameters } from '@medplum/fhirtypes';
import type { FhirRequest } from '../fhir/request';
import { preference } from '../fhir/request';
import { fail } from '../fhir/outcomes';
import type { ExportLevel, TypeFilter } from './job';

/** `_outputFormat` values meaning NDJSON (the spec's full type and its abbreviations). */
export const NDJSON_FORMATS: ReadonlySet<string> = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);

/** Parameters of the spec the hub does not support (answered 400, or ignored under lenient handling). */
const UNSUPPORTED = new Set(['_elements', 'patient', 'includeAssociatedData', 'organizeOutputBy', 'allowPartialManifests']);
/** Parameters the HTTP layer handles. */
const TRANSPORT = new Set(['_format', '_pretty']);
/** FHIRPath instant (with time zone), or a date/partial date-time the way search dates are written. */
const INSTANT = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

export interface KickOff {
  readonly level: ExportLevel;
  readonly groupId?: string;
  /** `_type`, when given (not yet checked against the level or the caller's scopes). */
  readonly types?: string[];
  readonly since?: string;
  readonly sinceMs?: number;
  readonly typeFilters: TypeFilter[];
  readonly outputFormat: string;
  readonly lenient: boolean;
  /** What lenient handling ignored. */
  readonly notes: string[];
}

/** The parameters as name/value pairs: the query first, then the Parameters body of a POST. */
function pairsOf(req: FhirRequest): Array<[string, string]> {
  const pairs: Array<[string, string]> = req.query.map(([k, v]) => [k, v]);
  const body = req.body as Parameters | undefined;
  if (req.method !== 'POST' || body === undefined) return pairs;
  if (typeof body !== 'object' || body === null || body.resourceType !== 'Parameters') throw fail(400, 'invalid', 'the body of a POST $export must be a Parameters resource');
  for (const p of body.parameter ?? []) {
    const value = p.valueString ?? p.valueInstant ?? p.valueDateTime ?? p.valueCode ?? p.valueUri ?? (p.valueBoolean === undefined ? undefined : String(p.valueBoolean)) ?? p.valueReference?.reference;
    if (!p.name) throw fail(400, 'invalid', 'a parameter of the Parameters body has no name');
    if (value === undefined) throw fail(400, 'invalid', `parameter '${p.name}' has no value of a supported type`);
    pairs.push([p.name, value]);
  }
  return pairs;
}

/**
 * Splits one `_typeFilter` value into its queries: they are separated by commas, and each starts with a
 * resource type and `?` (`Observation?code=x,Condition?clinical-status=active`); a comma inside a query's
 * value (a search OR list) is not followed by `Type?` and stays in its query.
 */
export function splitTypeFilters(value: string): string[] {
  return value.split(/,(?=[A-Z][A-Za-z]*\?)/).map((s) => s.trim()).filter(Boolean);
}

function typeFilterOf(text: string): TypeFilter {
  const q = text.indexOf('?');
  const type = q < 0 ? '' : text.slice(0, q);
  const query = q < 0 ? '' : text.slice(q + 1);
  if (!/^[A-Z][A-Za-z]*$/.test(type) || query === '') throw fail(400, 'invalid', `_typeFilter '${text.slice(0, 200)}' must be a search query like Observation?code=8480-6`);
  return { type, query };
}

export function parseKickOff(req: FhirRequest, level: ExportLevel, groupId?: string): KickOff {
  if (preference(req, 'respond-async') === undefined) {
    throw fail(400, 'invalid', '$export runs asynchronously: send the header Prefer: respond-async (Bulk Data Access, export kick-off request)');
  }
  const lenient = preference(req, 'handling') === 'lenient';
  const notes: string[] = [];
  const unsupported = (message: string): void => {
    if (!lenient) throw fail(400, 'not-supported', message);
    notes.push(`${message}; ignored (Prefer: handling=lenient)`);
  };
  let types: string[] | undefined;
  let since: string | undefined;
  let sinceMs: number | undefined;
  let outputFormat = 'application/fhir+ndjson';
  const typeFilters: TypeFilter[] = [];
  for (const [name, value] of pairsOf(req)) {
    if (TRANSPORT.has(name)) continue;
    switch (name) {
      case '_outputFormat':
        if (!NDJSON_FORMATS.has(value)) throw fail(400, 'not-supported', `_outputFormat '${value.slice(0, 100)}' is not supported; use application/fhir+ndjson (or application/ndjson, ndjson)`);
        outputFormat = 'application/fhir+ndjson';
        continue;
      case '_since': {
        if (since !== undefined) throw fail(400, 'invalid', '_since may be given once');
        const ms = INSTANT.test(value) ? Date.parse(value.length === 4 ? `${value}-01-01` : value) : Number.NaN;
        if (Number.isNaN(ms)) throw fail(400, 'invalid', `_since '${value.slice(0, 100)}' is not an instant like 2026-10-01T00:00:00Z`);
        since = value;
        sinceMs = ms;
        continue;
      }
      case '_type':
        types = [...(types ?? []), ...value.split(',').map((t) => t.trim()).filter(Boolean)];
        if (types.length === 0) throw fail(400, 'invalid', '_type names no resource type');
        continue;
      case '_typeFilter':
        for (const text of splitTypeFilters(value)) typeFilters.push(typeFilterOf(text));
        continue;
      default:
        if (UNSUPPORTED.has(name)) unsupported(`parameter '${name}' is not supported by this server's $export`);
        else unsupported(`'${name.slice(0, 100)}' is not a parameter of $export`);
    }
  }
  return { level, groupId, types: types ? [...new Set(types)] : undefined, since, sinceMs, typeFilters, outputFormat, lenient, notes };
}

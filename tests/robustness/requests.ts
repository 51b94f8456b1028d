/** Random Bundles and search strings for the fuzzer. */
import type { Json } from './mutate';
import { mutate } from './mutate';
import type { Random } from './random';
import { oddString } from './random';

const LONG = 'x'.repeat(5000);

const ENTRY_URLS = (r: Random, type: string): string =>
  r.pick([type, `${type}/${r.pick(['a', 'x'.repeat(65), LONG, '%E0%A4%A', '..', '$validate', '_history'])}`, `${type}?identifier=${r.pick(['a|b', LONG, '%zz'])}`, '', '/', `http://elsewhere.example/${type}/1`, LONG, `${type}/a/_history/x`, 'metadata', '$reindex', `${type}/$validate`]);

/** An entry: a mutated (or plain) resource, with a request that is sometimes wrong or missing. */
function entry(r: Random, resources: readonly Json[], uuids: readonly string[]): Json {
  const base = r.pick(resources) as { [key: string]: Json };
  const resource: { [key: string]: Json } = r.chance(0.5) ? mutate(r, base) : structuredClone(base);
  const type = typeof base.resourceType === 'string' ? base.resourceType : 'Patient';
  // References to other entries (circular ones too), conditional references that match nothing.
  if (r.chance(0.5)) resource.subject = { reference: r.pick([...uuids, 'urn:uuid:nobody', 'Patient?identifier=nothing|none', `Patient?identifier=${LONG}`, 'Patient?', 'Spaceship?x=1', LONG]) };
  const method = r.pick<Json>(['POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'HEAD', 'TRACE', 'post', 5, null]);
  const request: { [key: string]: Json } = { method, url: ENTRY_URLS(r, type) };
  if (r.chance(0.2)) request.ifNoneExist = r.pick<Json>([`identifier=${LONG}`, 'identifier=a|b', '', '_id=x', 5, {}, '__proto__=1']);
  if (r.chance(0.1)) request.ifMatch = r.pick<Json>(['W/"1"', 'x', 5, []]);
  const out: { [key: string]: Json } = { resource, request };
  if (r.chance(0.1)) delete out.request;
  if (r.chance(0.05)) out.request = r.pick<Json>([null, 'x', [], 5]);
  if (r.chance(0.7)) out.fullUrl = r.pick<Json>([...uuids, 'urn:uuid:nobody', LONG, 'http://elsewhere.example/Patient/1', 5, '', 'urn:uuid:']);
  if (r.chance(0.03)) return r.pick<Json>([null, 5, 'x', []]);
  return out;
}

export function oddBundle(r: Random, resources: readonly Json[]): Json {
  const uuids = Array.from({ length: r.int(1, 3) }, (_, i) => `urn:uuid:0000000${i}-0000-4000-8000-000000000000`);
  const entries = Array.from({ length: r.int(0, 5) }, () => entry(r, resources, uuids));
  const bundle: { [key: string]: Json } = { resourceType: 'Bundle', type: r.pick<Json>(['transaction', 'transaction', 'batch', 'batch', 'document', 'collection', '', 5, null]), entry: entries };
  if (r.chance(0.05)) bundle.entry = r.pick<Json>(['x', 5, {}, null, [[]]]);
  if (r.chance(0.05)) bundle.resourceType = r.pick<Json>(['Patient', 5, null]);
  return bundle;
}

const TYPES = ['Patient', 'Observation', 'Encounter', 'Condition', 'Organization', 'Practitioner', 'Task', 'ServiceRequest', 'MedicationRequest', 'CarePlan', 'Claim', ''];
const CODES = ['_id', '_lastUpdated', '_tag', '_profile', '_security', '_source', 'name', 'family', 'given', 'identifier', 'birthdate', 'gender', 'address', 'telecom', 'subject', 'patient', 'code', 'date', 'value-quantity', 'component-code-value-quantity', 'status', 'organization', 'general-practitioner', 'link', 'encounter', 'owner', 'focus', 'performer', 'probability', 'referral-direction', 'accepted-condition', 'program'];
const MODIFIERS = ['', ':missing', ':exact', ':contains', ':not', ':text', ':above', ':below', ':in', ':not-in', ':identifier', ':Patient', ':of-type', ':iterate', ':', ':__proto__', ':' + 'm'.repeat(300)];
const PREFIXES = ['', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap', 'xx'];
const VALUES = ['1', '2020', '2020-01-01', '2020-13-45', '9999-99-99T99:99', '1e400', '-0', 'NaN', 'http://loinc.org|8480-6', '|x', 'x|', '|', 'Patient/1', 'a,b,,c', 'a\\,b', 'x$y', 'x$y$z', '8480-6$gt5', 'true', 'false', LONG, 'a'.repeat(201)];
const GARBAGE = ['%', '%zz', '%E0%A4%A', '%00', '%C0%80', '%ED%A0%80', '%F4%90%80%80', '&', '&&', '=', '==', '+', '%2B', '[', ']', '[x]'];

/** Percent-encoded (lone surrogates cannot be encoded: they become U+FFFD), sometimes with garbage escapes after. */
function encode(r: Random, text: string): string {
  const encoded = encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
  return r.chance(0.15) ? encoded + r.pick(GARBAGE) : encoded;
}

function name(r: Random): string {
  const code = r.chance(0.8) ? r.pick(CODES) : oddString(r).slice(0, r.pick([5, 300]));
  switch (r.int(0, 5)) {
    case 0:
      return `${r.pick(['subject', 'patient', 'general-practitioner', 'organization', 'focus'])}${r.pick(['', ':Patient', ':Organization', ':Spaceship'])}.${r.pick(CODES)}`;
    case 1:
      return `_has:${r.pick(TYPES)}:${r.pick(['subject', 'patient', 'x', ''])}:${r.pick(CODES)}`;
    default:
      return code + r.pick(MODIFIERS);
  }
}

function value(r: Random): string {
  if (r.chance(0.2)) return oddString(r);
  return r.pick(PREFIXES) + r.pick(VALUES);
}

const CONTROL: ReadonlyArray<(r: Random) => string> = [
  (r) => `_sort=${r.pick(['', '-'])}${r.pick([...CODES, 'x'.repeat(5000), '__proto__'])}`,
  (r) => `_count=${r.pick(['0', '1', '-1', '1e9', 'x', '99999999999999999999'])}`,
  (r) => `_include=${r.pick([...TYPES, '*'])}:${r.pick([...CODES, '*', LONG])}${r.pick(['', ':Patient', ':x'])}`,
  (r) => `_revinclude${r.pick(['', ':iterate', ':x'])}=${r.pick(TYPES)}:${r.pick(CODES)}`,
  (r) => `_elements=${r.pick(['name', 'id,meta', '__proto__', 'constructor', LONG, ''])}`,
  (r) => `_summary=${r.pick(['true', 'count', 'data', 'text', 'false', 'x'])}`,
  (r) => `_total=${r.pick(['accurate', 'none', 'estimate', 'x'])}`,
  (r) => `_type=${r.pick(TYPES)},${r.pick(TYPES)}`,
  (r) => `_cursor=${r.pick(['x', 'WyJuIiwiYSJd', LONG])}`,
];

/** A random search URL under /fhir. */
export function searchUrl(r: Random): string {
  const base = r.chance(0.03) ? '' : r.chance(0.1) ? `Patient/${r.pick(['a', LONG])}/${r.pick(['Observation', '*', 'Spaceship'])}` : r.pick(TYPES);
  const parts: string[] = [];
  const n = r.int(1, 4);
  for (let i = 0; i < n; i++) parts.push(r.chance(0.25) ? r.pick(CONTROL)(r) : `${encode(r, name(r))}=${encode(r, value(r))}`);
  // Node's HTTP parser answers a request line over 16 KB itself (431, before the app): stay under it.
  let url = `/fhir/${base}?${parts.join('&')}`;
  while (url.length > 12000 && parts.length > 1) {
    parts.pop();
    url = `/fhir/${base}?${parts.join('&')}`;
  }
  return url.length > 12000 ? url.slice(0, 12000) : url;
}

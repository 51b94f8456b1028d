/** Comparison prefixes of ordered search types (number, date, quantity): FHIR R4 search §3.1.1.4.10. */
import { fail } from '../../fhir/outcomes';

export const PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'] as const;
export type Prefix = (typeof PREFIXES)[number];

export function splitPrefix(value: string, param: string): { prefix: Prefix; rest: string } {
  const head = value.slice(0, 2);
  if ((PREFIXES as readonly string[]).includes(head) && !/^\d/.test(head)) {
    return { prefix: head as Prefix, rest: value.slice(2) };
  }
  if (/^[a-z]{2}/.test(value) && !/^\d/.test(value)) {
    throw fail(400, 'invalid', `unknown prefix '${head}' in '${value}' for parameter '${param}'`);
  }
  return { prefix: 'eq', rest: value };
}

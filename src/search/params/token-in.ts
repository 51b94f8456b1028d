/**
 * Token modifiers `:in` and `:not-in` (FHIR R4 search §3.1.1.5.5): the value is the canonical URL of a ValueSet
 * the hub knows (profiles/ValueSet-*.json and the R4 core ones). The ValueSet is expanded with the hub's own
 * terminology code ($expand, src/terminology) and the search becomes an `$in` on the token index
 * (`idx.<code>.c`, with the system): `:in` matches resources with a coding in the expansion, `:not-in` those
 * without one (resources without the element included). An unknown ValueSet is a 400.
 */
import { OperationOutcomeError } from '@medplum/core';
import { fail } from '../../fhir/outcomes';
import type { TerminologyRegistry } from '../../terminology';
import { expandValueSet, getTerminologyRegistry } from '../../terminology';
import type { Condition, QueryContext } from './unit';

export const VALUE_SET_MODIFIERS: ReadonlySet<string> = new Set(['in', 'not-in']);

function messageOf(error: unknown): string {
  if (error instanceof OperationOutcomeError) return error.outcome.issue?.[0]?.details?.text ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The codes of the expansion of a ValueSet, per system. */
export function valueSetCodes(url: string, registry: TerminologyRegistry = getTerminologyRegistry()): Map<string, string[]> {
  if (!registry.valueSetOrImplicit(url)) throw fail(400, 'not-found', `value set ${url} is not known to this server (see GET /fhir/ValueSet)`);
  let contains;
  try {
    contains = expandValueSet({ url }, registry).expansion?.contains ?? [];
  } catch (error: unknown) {
    throw fail(400, 'not-supported', `value set ${url} cannot be expanded for a search: ${messageOf(error)}`);
  }
  const bySystem = new Map<string, string[]>();
  for (const c of contains) {
    if (!c.system || !c.code) continue;
    const list = bySystem.get(c.system) ?? [];
    list.push(c.code);
    bySystem.set(c.system, list);
  }
  return bySystem;
}

/** The index condition of `<token>:in=<url>` (or `:not-in`). */
export function valueSetCondition(value: string, modifier: 'in' | 'not-in', ctx: QueryContext): Condition {
  if (value === '') throw fail(400, 'invalid', `parameter '${ctx.param}' needs the url of a value set`);
  const bySystem = valueSetCodes(value);
  const all = [...bySystem.values()].flat();
  const systems = [...bySystem.entries()];
  // The code condition alone is indexed; with several systems, the $or pairs each code with its system.
  const elem =
    systems.length === 1
      ? { s: systems[0][0], c: { $in: systems[0][1] } }
      : { c: { $in: all }, ...(systems.length > 1 ? { $or: systems.map(([s, codes]) => ({ s, c: { $in: codes } })) } : {}) };
  return { elem, negate: modifier === 'not-in' };
}

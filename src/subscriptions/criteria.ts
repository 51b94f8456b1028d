/**
 * Subscription criteria: a search string (`Task?owner=Organization/org-internet-hospital&status=requested`)
 * parsed with the hub's own search parser and compiled strictly, so an unknown type, parameter, modifier or
 * malformed value is refused when the Subscription is written, not discovered at the first match.
 */
import { OperationOutcomeError } from '@medplum/core';
import { isConcreteResourceType } from '../fhir/resource-types';
import { refuse } from '../fhir/outcomes';
import type { FhirError } from '../fhir/outcomes';
import type { RepoReader } from '../repository/repository';
import type { CompileContext } from '../search/compile';
import { compileCriteria } from '../search/compile';
import type { Criterion } from '../search/parse';
import { parseSearch } from '../search/parse';
import type { SearchParamRegistry } from '../search/registry';
import type { Filter } from '../store/port';
import { criteriaQuery, criteriaType } from './model';

export const CRITERIA_RULE = 'subscription-criteria';
const CRITERIA_TITLE = 'Subscription.criteria must be a search the hub supports: a resource type and its search parameters';

/** Parameters that shape a result, not select resources: meaningless in criteria. */
const RESULT_PARAMETERS = new Set(['_sort', '_count', '_cursor', '_total', '_summary', '_elements', '_include', '_revinclude', '_type', '_format', '_pretty']);

export function criteriaRefused(criteria: string, why: string): FhirError {
  return refuse(422, 'invalid', CRITERIA_RULE, CRITERIA_TITLE, `Subscription.criteria '${criteria.slice(0, 300)}': ${why}`);
}

function messageOf(error: OperationOutcomeError): string {
  const issue = error.outcome.issue?.[0];
  return issue?.diagnostics ?? issue?.details?.text ?? 'not a valid search';
}

/** The type and search criteria of a Subscription's `criteria`; throws 422 naming what is wrong. */
export function parseCriteria(criteria: string | undefined): { type: string; criteria: readonly Criterion[] } {
  const text = criteria ?? '';
  const type = criteriaType(text);
  if (!type) throw criteriaRefused(text, 'it must start with a resource type, e.g. Task?status=requested');
  if (!isConcreteResourceType(type)) throw criteriaRefused(text, `unknown resource type '${type.slice(0, 100)}'`);
  const query = criteriaQuery(text);
  for (const [name] of query) {
    if (RESULT_PARAMETERS.has(name.split(':')[0])) throw criteriaRefused(text, `'${name}' shapes search results; criteria only select resources`);
  }
  try {
    const request = parseSearch(query);
    if (request.unsupported.length > 0) throw criteriaRefused(text, `parameter '${request.unsupported[0]}' is not supported`);
    return { type, criteria: request.criteria };
  } catch (error) {
    if (error instanceof OperationOutcomeError && !isCriteriaRefusal(error)) throw criteriaRefused(text, messageOf(error));
    throw error;
  }
}

function isCriteriaRefusal(error: OperationOutcomeError): boolean {
  return error.outcome.issue?.[0]?.details?.coding?.some((c) => c.code === CRITERIA_RULE) === true;
}

function compileContext(reader: RepoReader, registry: SearchParamRegistry): CompileContext {
  return { registry, reader, baseUrl: reader.ctx.baseUrl, now: reader.ctx.now().getTime(), strict: true, warnings: [] };
}

/** The query document of the criteria, compiled strictly (unknown parameters throw) through `reader`'s access scope. */
export async function compileSubscriptionCriteria(reader: RepoReader, registry: SearchParamRegistry, criteria: string | undefined): Promise<{ type: string; filter: Filter }> {
  const parsed = parseCriteria(criteria);
  try {
    const clauses = await compileCriteria(compileContext(reader, registry), parsed.type, parsed.criteria);
    return { type: parsed.type, filter: { $and: [{ deleted: { $ne: true } }, ...clauses] } };
  } catch (error) {
    if (error instanceof OperationOutcomeError) throw criteriaRefused(criteria ?? '', messageOf(error));
    throw error;
  }
}

/**
 * Whether the current version of `type/id`, as `reader` sees it (inside a write's transaction: the new version),
 * matches the criteria — the criteria plus `_id`, run through the search compiler and the reader's access scope.
 */
export async function matchesCriteria(reader: RepoReader, registry: SearchParamRegistry, criteria: string | undefined, id: string): Promise<boolean> {
  const { type, filter } = await compileSubscriptionCriteria(reader, registry, criteria);
  for await (const _doc of reader.find(type, { $and: [filter, { _id: id }] }, { limit: 1 })) return true;
  return false;
}

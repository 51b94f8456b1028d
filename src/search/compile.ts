/**
 * Compiles parsed search criteria into one MongoDB query document per resource type.
 *
 * Each parameter value becomes an `$elemMatch` on its index entries (`idx.<code>`), built by the unit of the
 * parameter's type; comma-separated values are OR'ed, repeated parameters AND'ed. Chains and `_has` are
 * resolved by running the inner search first (through the same repository gateway) and constraining the
 * outer search to the references found. User values only ever appear as values, never as operators.
 */
import { isResourceType } from '@medplum/core';
import { fail } from '../fhir/outcomes';
import type { RepoReader } from '../repository/repository';
import type { Filter } from '../store/port';
import type { Criterion } from './parse';
import { splitOr, splitUnescaped } from './parse';
import type { Condition, QueryContext } from './params/unit';
import type { SearchParamDef, SearchParamRegistry } from './registry';

/** Inner searches of chains and _has may match at most this many resources. */
export const MAX_INNER_MATCHES = 10000;

export interface CompileContext {
  readonly registry: SearchParamRegistry;
  readonly reader: RepoReader;
  readonly baseUrl: string;
  readonly now: number;
  readonly strict: boolean;
  /** Messages about parameters that were ignored (reported in the Bundle's outcome). */
  readonly warnings: string[];
  /**
   * A search over several types: a type that lacks a parameter matches nothing (rather than ignoring
   * it), and the parameters are counted here; the caller reports those no type knows.
   */
  readonly unknownByType?: Map<string, number>;
}

/** Entries of a stored document's index for one parameter. */
export function entriesOf(doc: { idx?: Record<string, unknown[]> }, code: string): Array<Record<string, unknown>> {
  return (doc.idx?.[code] ?? []) as Array<Record<string, unknown>>;
}

function unknownParam(cc: CompileContext, type: string, c: Criterion): Filter | undefined {
  if (cc.unknownByType) {
    cc.unknownByType.set(c.raw, (cc.unknownByType.get(c.raw) ?? 0) + 1);
    return { _id: { $in: [] } };
  }
  const message = `unknown search parameter '${c.code}' for ${type}`;
  if (cc.strict) throw fail(400, 'not-supported', message);
  cc.warnings.push(`${message}; ignored`);
  return undefined;
}

function combine(field: string, conds: Condition[]): Filter {
  const clauses = conds.map((c): Filter => (c.negate ? { [field]: { $not: { $elemMatch: c.elem } } } : { [field]: { $elemMatch: c.elem } }));
  return clauses.length === 1 ? clauses[0] : { $or: clauses };
}

function simpleCondition(def: SearchParamDef, value: string, modifier: string | undefined, qc: QueryContext): Condition {
  if (def.type === 'composite') {
    const components = def.components();
    const parts = splitUnescaped(value, '$');
    if (parts.length !== components.length) {
      throw fail(400, 'invalid', `'${value}' for '${qc.param}' needs ${components.length} components separated by $`);
    }
    const elem: Filter = {};
    components.forEach((component, i) => {
      const c = component.unit.toCondition(parts[i], undefined, qc);
      elem[`p${i}`] = { $elemMatch: c.elem };
    });
    return { elem };
  }
  if (!def.unit) throw fail(400, 'not-supported', `search parameter '${qc.param}' (type ${def.type}) is not supported`);
  return def.unit.toCondition(value, modifier, qc);
}

function checkModifier(def: SearchParamDef, modifier: string | undefined, raw: string): void {
  if (modifier === undefined || modifier === 'missing') return;
  if (def.type === 'reference' && (modifier === 'identifier' || isResourceType(modifier))) return;
  if (def.unit?.modifiers.has(modifier)) return;
  throw fail(400, 'not-supported', `modifier ':${modifier}' is not supported on '${raw}' (type ${def.type})`);
}

/** Ids of `type` matching the criterion; undefined when the criterion is unknown there (and so ignored). */
async function innerIds(cc: CompileContext, type: string, criterion: Criterion): Promise<string[] | undefined> {
  const clause = await compileOne(cc, type, criterion);
  if (!clause) return undefined;
  const filter: Filter = { $and: [{ deleted: { $ne: true } }, clause] };
  const ids: string[] = [];
  for await (const doc of cc.reader.find(type, filter, { limit: MAX_INNER_MATCHES + 1 })) ids.push(doc._id);
  if (ids.length > MAX_INNER_MATCHES) {
    throw fail(400, 'too-costly', `'${criterion.raw}' matches more than ${MAX_INNER_MATCHES} ${type} resources; narrow it`);
  }
  return ids;
}

async function compileOne(cc: CompileContext, type: string, c: Criterion): Promise<Filter | undefined> {
  if (c.has.length > 0) {
    const [link, ...rest] = c.has;
    if (!isResourceType(link.resourceType)) throw fail(400, 'invalid', `'${c.raw}': unknown resource type ${link.resourceType}`);
    const refDef = cc.registry.get(link.resourceType, link.referenceParam);
    if (refDef?.type !== 'reference') {
      throw fail(400, 'invalid', `'${c.raw}': ${link.resourceType} has no reference parameter '${link.referenceParam}'`);
    }
    const inner: Criterion = { ...c, has: rest };
    // An unknown inner parameter makes the whole criterion unknown: ignored (or 400 when strict), never
    // "every resource some ${link.resourceType} refers to".
    const innerClause = await compileOne(cc, link.resourceType, inner);
    if (!innerClause) return undefined;
    const filter: Filter = { $and: [{ deleted: { $ne: true } }, innerClause] };
    const ids = new Set<string>();
    let seen = 0;
    for await (const doc of cc.reader.find(link.resourceType, filter, { limit: MAX_INNER_MATCHES + 1 })) {
      if (++seen > MAX_INNER_MATCHES) throw fail(400, 'too-costly', `'${c.raw}' matches too many ${link.resourceType} resources; narrow it`);
      for (const e of entriesOf(doc as { idx?: Record<string, unknown[]> }, link.referenceParam)) {
        if (e.t === type && typeof e.i === 'string') ids.add(e.i);
      }
    }
    return { _id: { $in: [...ids] } };
  }
  if (c.chain.length > 0) {
    const [link, ...rest] = c.chain;
    const def = cc.registry.get(type, link.code);
    if (!def) return unknownParam(cc, type, { ...c, code: link.code });
    if (def.type !== 'reference') throw fail(400, 'invalid', `'${c.raw}': '${link.code}' is not a reference parameter and cannot be chained`);
    const nextCode = rest.length > 0 ? rest[0].code : c.code;
    const targets = link.targetType
      ? [link.targetType]
      : def.target.filter((t) => nextCode === '_id' || cc.registry.get(t, nextCode) !== undefined);
    if (link.targetType && !def.target.includes(link.targetType)) {
      throw fail(400, 'invalid', `'${c.raw}': '${link.code}' cannot refer to ${link.targetType}`);
    }
    if (targets.length === 0) throw fail(400, 'invalid', `'${c.raw}': no target of '${link.code}' has a parameter '${nextCode}'`);
    const refs: string[] = [];
    let known = false;
    for (const target of targets) {
      const found = await innerIds(cc, target, { ...c, chain: rest });
      if (!found) continue;
      known = true;
      for (const id of found) refs.push(`${target}/${id}`);
    }
    if (!known) return undefined;
    return { [`idx.${link.code}`]: { $elemMatch: { r: { $in: refs } } } };
  }
  const values = splitOr(c.value);
  if (c.code === '_id') {
    if (c.modifier === 'not') return { _id: { $nin: values } };
    if (c.modifier !== undefined) throw fail(400, 'not-supported', `modifier ':${c.modifier}' is not supported on _id`);
    return { _id: { $in: values } };
  }
  const def = cc.registry.get(type, c.code);
  if (!def) return unknownParam(cc, type, c);
  if (def.type === 'special' || (def.type !== 'composite' && !def.unit)) {
    // e.g. Location near: defined by FHIR but not supported by the hub — handled like an unknown parameter.
    const message = `search parameter '${c.code}' (type ${def.type}) is not supported`;
    if (cc.strict) throw fail(400, 'not-supported', message);
    cc.warnings.push(`${message}; ignored`);
    return undefined;
  }
  checkModifier(def, c.modifier, c.raw);
  const field = `idx.${c.code}`;
  if (c.modifier === 'missing') {
    if (c.value !== 'true' && c.value !== 'false') throw fail(400, 'invalid', `'${c.raw}' must be true or false`);
    return { [field]: { $exists: c.value === 'false' } };
  }
  const qc: QueryContext = { baseUrl: cc.baseUrl, now: cc.now, param: c.raw };
  return combine(field, values.map((v) => simpleCondition(def, v, c.modifier, qc)));
}

/** The AND'ed clauses for all criteria on one resource type. */
export async function compileCriteria(cc: CompileContext, type: string, criteria: readonly Criterion[]): Promise<Filter[]> {
  const clauses: Filter[] = [];
  for (const c of criteria) {
    const clause = await compileOne(cc, type, c);
    if (clause) clauses.push(clause);
  }
  return clauses;
}

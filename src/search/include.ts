/**
 * _include and _revinclude (with :iterate and `*`), FHIR R4 search.html#include. Included resources are
 * read through the same repository gateway as matches, so access rules apply to them too.
 */
import type { RepoReader } from '../repository/repository';
import type { CurrentDoc } from '../repository/documents';
import { entriesOf } from './compile';
import type { IncludeSpec, SearchRequest } from './parse';
import type { SearchParamRegistry } from './registry';

export interface Found {
  readonly type: string;
  readonly doc: CurrentDoc;
}

/** At most this many resources are added by includes to one page. */
export const MAX_INCLUDED = 1000;
const MAX_ITERATIONS = 4;

function referenceParams(registry: SearchParamRegistry, type: string, param: string): string[] {
  if (param !== '*') return registry.get(type, param)?.type === 'reference' ? [param] : [];
  return [...registry.forType(type)].filter(([, def]) => def.type === 'reference').map(([code]) => code);
}

async function forward(reader: RepoReader, registry: SearchParamRegistry, spec: IncludeSpec, from: readonly Found[]): Promise<Found[]> {
  const wanted = new Map<string, Set<string>>();
  for (const { type, doc } of from) {
    if (spec.sourceType !== '*' && spec.sourceType !== type) continue;
    for (const param of referenceParams(registry, type, spec.param)) {
      for (const e of entriesOf(doc, param)) {
        if (typeof e.t !== 'string' || typeof e.i !== 'string') continue;
        if (spec.targetType && e.t !== spec.targetType) continue;
        if (!wanted.has(e.t)) wanted.set(e.t, new Set());
        wanted.get(e.t)?.add(e.i);
      }
    }
  }
  const out: Found[] = [];
  for (const [type, ids] of wanted) {
    for await (const doc of reader.find(type, { _id: { $in: [...ids] }, deleted: { $ne: true } }, { limit: MAX_INCLUDED })) {
      out.push({ type, doc: doc as CurrentDoc });
    }
  }
  return out;
}

async function reverse(reader: RepoReader, registry: SearchParamRegistry, spec: IncludeSpec, from: readonly Found[]): Promise<Found[]> {
  const refs = from.map(({ type, doc }) => `${type}/${doc._id}`);
  if (refs.length === 0) return [];
  const sources = spec.sourceType === '*' ? registry.types() : [spec.sourceType];
  const out: Found[] = [];
  for (const source of sources) {
    for (const param of referenceParams(registry, source, spec.param)) {
      const def = registry.get(source, param);
      if (spec.sourceType === '*' && def && !from.some(({ type }) => def.target.includes(type))) continue;
      const filter = { [`idx.${param}`]: { $elemMatch: { r: { $in: refs } } }, deleted: { $ne: true } };
      for await (const doc of reader.find(source, filter, { limit: MAX_INCLUDED })) out.push({ type: source, doc: doc as CurrentDoc });
    }
  }
  return out;
}

export async function includeResources(
  reader: RepoReader,
  registry: SearchParamRegistry,
  matches: readonly Found[],
  req: Pick<SearchRequest, 'include' | 'revinclude'>,
): Promise<Found[]> {
  if (req.include.length === 0 && req.revinclude.length === 0) return [];
  const seen = new Set(matches.map(({ type, doc }) => `${type}/${doc._id}`));
  const included: Found[] = [];
  const add = (found: Found[]): Found[] => {
    const fresh: Found[] = [];
    for (const f of found) {
      const key = `${f.type}/${f.doc._id}`;
      if (seen.has(key) || included.length >= MAX_INCLUDED) continue;
      seen.add(key);
      included.push(f);
      fresh.push(f);
    }
    return fresh;
  };
  let frontier: Found[] = [];
  for (const spec of req.include) frontier.push(...add(await forward(reader, registry, spec, matches)));
  for (const spec of req.revinclude) frontier.push(...add(await reverse(reader, registry, spec, matches)));
  const iterating = [...req.include.filter((s) => s.iterate), ...req.revinclude.filter((s) => s.iterate)];
  for (let round = 0; round < MAX_ITERATIONS && frontier.length > 0 && iterating.length > 0; round++) {
    const next: Found[] = [];
    for (const spec of req.include.filter((s) => s.iterate)) next.push(...add(await forward(reader, registry, spec, frontier)));
    for (const spec of req.revinclude.filter((s) => s.iterate)) next.push(...add(await reverse(reader, registry, spec, frontier)));
    frontier = next;
  }
  return included;
}

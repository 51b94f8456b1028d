/**
 * Search execution: parse → compile (per resource type) → run through the repository gateway with keyset
 * paging → add _include/_revinclude → shape (_summary, _elements) → searchset Bundle.
 */
import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { isResourceType } from '@medplum/core';
import { resourceTypes } from '../fhir/resource-types';
import type { RequestContext } from '../context';
import { fail } from '../fhir/outcomes';
import type { RepoReader, Version } from '../repository/repository';
import { toVersion } from '../repository/repository';
import type { CurrentDoc } from '../repository/documents';
import type { Doc, Filter, SortSpec } from '../store/port';
import { docComparator } from '../store/embedded/order';
import type { CompileContext } from './compile';
import { compileCriteria } from './compile';
import { includeResources } from './include';
import type { SearchRequest } from './parse';
import { parseSearch } from './parse';
import { boundaryOf, decodeCursor, encodeCursor, encodeSnapshotCursor, keysetFilter, reverseSort, snapshotCursorOf } from './paging';
import type { SnapshotStore } from './snapshots';
import { MAX_SNAPSHOT } from './snapshots';
import type { SearchParamRegistry } from './registry';
import { shapeResource } from './shape';

export interface SearchOptions {
  readonly registry: SearchParamRegistry;
  readonly snapshots: SnapshotStore;
  readonly defaultCount: number;
  readonly maxCount: number;
}

export interface SearchCall {
  readonly types: readonly string[];
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** `/Patient/{id}/Observation`: restricts to the compartment `Patient/{id}`. */
  readonly compartment?: string;
  readonly strict: boolean;
  /** The URL of this search without its query, for links (e.g. `http://host/fhir/Patient`). */
  readonly linkBase: string;
}

const NOT_DELETED: Filter = { deleted: { $ne: true } };

interface TypeQuery {
  readonly type: string;
  readonly filter: Filter;
}

interface Page {
  readonly docs: Array<{ type: string; doc: Doc }>;
  /** The exact number of matches, when this page's strategy knows it for free. */
  readonly knownTotal?: number;
  readonly next?: string;
  readonly previous?: string;
}

export class SearchService {
  constructor(private readonly options: SearchOptions) {}

  get defaultCount(): number {
    return this.options.defaultCount;
  }
  get maxCount(): number {
    return this.options.maxCount;
  }
  get registry(): SearchParamRegistry {
    return this.options.registry;
  }

  /** The sort of a search over `types` (a key one type lacks sorts its resources as having no value). */
  private sortSpec(types: readonly string[], req: SearchRequest, cc: CompileContext): SortSpec {
    const spec: Array<[string, 1 | -1]> = [];
    const type = types.join(',');
    for (const { code, descending } of req.sort) {
      const dir = descending ? -1 : 1;
      if (code === '_id') break;
      if (code === '_lastUpdated') spec.push(['ts', dir]);
      else if (types.some((t) => this.options.registry.get(t, code))) spec.push([descending ? `srd.${code}` : `srt.${code}`, dir]);
      else {
        const message = `unknown sort parameter '${code}' for ${type}`;
        if (cc.strict) throw fail(400, 'not-supported', message);
        cc.warnings.push(`${message}; ignored`);
      }
    }
    // Ties are ordered by `_id`: as asked, or else the way the first key goes, so that an engine can walk
    // one index in order (`ts` then `_id` descending is the reverse of the `ts` index).
    const byId = req.sort.find((s) => s.code === '_id');
    const idDir = byId ? (byId.descending ? -1 : 1) : (spec[0]?.[1] ?? 1);
    spec.push(['_id', idDir]);
    return spec;
  }

  async filterFor(cc: CompileContext, type: string, req: SearchRequest, compartment?: string): Promise<Filter> {
    if (!isResourceType(type)) throw fail(404, 'not-found', `unknown resource type '${type}'`);
    const clauses = [NOT_DELETED, ...(compartment ? [{ comp: compartment }] : []), ...(await compileCriteria(cc, type, req.criteria))];
    return clauses.length === 1 ? clauses[0] : { $and: clauses };
  }

  /** Resources matching a conditional-operation query (If-None-Exist, conditional update/delete). */
  async matchConditional(reader: RepoReader, type: string, criteria: string, limit: number): Promise<Version[]> {
    const query = [...new URLSearchParams(criteria.startsWith('?') ? criteria.slice(1) : criteria)];
    const req = parseSearch(query);
    if (req.criteria.length === 0) throw fail(400, 'invalid', `the conditional criteria '${criteria}' select nothing`);
    const cc = this.compileContext(reader, true);
    const filter = await this.filterFor(cc, type, req);
    const out: Version[] = [];
    for await (const doc of reader.find(type, filter, { limit })) out.push(toVersion(type, doc as CurrentDoc));
    return out;
  }

  private compileContext(reader: RepoReader, strict: boolean): CompileContext {
    return { registry: this.options.registry, reader, baseUrl: reader.ctx.baseUrl, now: reader.ctx.now().getTime(), strict, warnings: [] };
  }

  async search(ctx: RequestContext, reader: RepoReader, call: SearchCall): Promise<Bundle> {
    const req = parseSearch(call.query);
    // _type picks the types of a system search, or narrows a multi-type one (`/Patient/{id}/*`).
    // A system search without _type covers every resource type.
    const scope = call.types.length === 0 ? resourceTypes() : call.types;
    const types = req.types ? (call.types.length === 0 ? req.types : scope.filter((t) => req.types?.includes(t))) : scope;
    if (types.length === 0) throw fail(400, 'invalid', '_type names no resource type this search can return');
    const cc = this.compileContext(reader, call.strict);
    for (const name of req.unsupported) {
      if (call.strict) throw fail(400, 'not-supported', `parameter '${name}' is not supported`);
      cc.warnings.push(`parameter '${name}' is not supported; ignored`);
    }
    const count = Math.min(req.count ?? this.options.defaultCount, this.options.maxCount);
    const multi: CompileContext = types.length > 1 ? { ...cc, unknownByType: new Map() } : cc;
    const perType = await Promise.all(types.map(async (type) => ({ type, filter: await this.filterFor(multi, type, req, call.compartment) })));
    const sort = this.sortSpec(types, req, cc);
    for (const [param, n] of multi.unknownByType ?? []) {
      if (n < types.length) continue;
      const message = `search parameter '${param}' is not known for any of the types searched`;
      if (call.strict) throw fail(400, 'not-supported', message);
      cc.warnings.push(`${message}; ignored`);
      const fresh: CompileContext = { ...cc, unknownByType: new Map() };
      for (const q of perType) q.filter = await this.filterFor(fresh, q.type, { ...req, criteria: req.criteria.filter((c) => c.raw !== param) }, call.compartment);
    }
    const page = await this.page(reader, req, perType, sort, count);

    // Total: exact when asked, or when known anyway (the result fits on this first page, or was snapshotted).
    let total: number | undefined = page.knownTotal;
    const totalMode = req.summary === 'count' ? 'accurate' : req.total;
    if ((totalMode === 'accurate' || totalMode === 'estimate') && total === undefined) {
      total = 0;
      for (const { type, filter } of perType) total += await reader.count(type, filter);
    } else if (totalMode === 'none') {
      total = undefined;
    }
    const docs = page.docs;
    const matches = docs.map(({ type, doc }) => ({ type, doc: doc as CurrentDoc }));
    const included = await includeResources(reader, this.options.registry, matches, req);
    const link: NonNullable<Bundle['link']> = [{ relation: 'self', url: pageUrl(call, req.cursor ? [['_cursor', req.cursor]] : []) }];
    if (page.next) link.push({ relation: 'next', url: pageUrl(call, [['_cursor', page.next]]) });
    if (page.previous) link.push({ relation: 'previous', url: pageUrl(call, [['_cursor', page.previous]]) });
    const entry: BundleEntry[] = [
      ...matches.map(({ type, doc }) => this.entry(ctx, type, doc.res, 'match', req)),
      ...included.map(({ type, doc }) => this.entry(ctx, type, doc.res, 'include', req)),
    ];
    if (cc.warnings.length > 0) {
      const oo: OperationOutcome = {
        resourceType: 'OperationOutcome',
        issue: cc.warnings.map((text) => ({ severity: 'warning', code: 'not-supported', details: { text } })),
      };
      entry.push({ resource: oo, search: { mode: 'outcome' } });
    }
    return { resourceType: 'Bundle', type: 'searchset', ...(total !== undefined ? { total } : {}), link, entry };
  }

  /** One page of matches with the cursors of its neighbours: from a snapshot or by keyset (see paging.ts). */
  private async page(reader: RepoReader, req: SearchRequest, perType: TypeQuery[], sort: SortSpec, count: number): Promise<Page> {
    if (req.summary === 'count' || count === 0) return { docs: [] };
    const snap = req.cursor ? snapshotCursorOf(req.cursor) : undefined;
    if (snap) return this.snapshotPage(reader, await this.options.snapshots.load(snap.snapshot), snap.snapshot, snap.offset, count);
    if (!req.cursor && sort.length > 1 && (await this.fewMatches(reader, perType))) {
      // A sort on values that can change: snapshot the ordered matches so later pages stay stable.
      const all = await this.fetch(reader, perType, sort, MAX_SNAPSHOT + 1);
      if (all.length <= MAX_SNAPSHOT) {
        const refs = all.map(({ type, doc }) => `${type}/${doc._id}`);
        const id = refs.length > count ? await this.options.snapshots.save(refs) : '';
        return { ...(await this.snapshotPage(reader, refs, id, 0, count)), knownTotal: refs.length };
      }
    }
    return this.keysetPage(reader, req, perType, sort, count);
  }

  /**
   * Whether a search has at most MAX_SNAPSHOT matches (counted, up to that, from the index keys where the
   * engine can): a larger result pages by keyset from an index walk, never reading every match.
   */
  private async fewMatches(reader: RepoReader, perType: TypeQuery[]): Promise<boolean> {
    let n = 0;
    for (const { type, filter } of perType) {
      n += await reader.count(type, filter, MAX_SNAPSHOT + 1 - n);
      if (n > MAX_SNAPSHOT) return false;
    }
    return true;
  }

  private async snapshotPage(reader: RepoReader, refs: readonly string[], id: string, offset: number, count: number): Promise<Page> {
    const slice = refs.slice(offset, offset + count);
    const byType = new Map<string, string[]>();
    for (const ref of slice) {
      const [type, rid] = ref.split('/');
      byType.set(type, [...(byType.get(type) ?? []), rid]);
    }
    const found = new Map<string, Doc>();
    for (const [type, ids] of byType) {
      for await (const doc of reader.find(type, { _id: { $in: ids }, deleted: { $ne: true } })) found.set(`${type}/${doc._id}`, doc);
    }
    const docs = slice.flatMap((ref) => {
      const doc = found.get(ref);
      return doc ? [{ type: ref.split('/')[0], doc }] : [];
    });
    return {
      docs,
      next: offset + count < refs.length ? encodeSnapshotCursor({ snapshot: id, offset: offset + count }) : undefined,
      previous: offset > 0 ? encodeSnapshotCursor({ snapshot: id, offset: Math.max(0, offset - count) }) : undefined,
    };
  }

  /** Matches of every type in `walk` order, at most `limit` (merged across types for system search). */
  private async fetch(reader: RepoReader, perType: TypeQuery[], walk: SortSpec, limit: number, after?: Filter): Promise<Array<{ type: string; doc: Doc }>> {
    const docs: Array<{ type: string; doc: Doc }> = [];
    for (const { type, filter } of perType) {
      const paged = after ? { $and: [filter, after] } : filter;
      for await (const doc of reader.find(type, paged, { sort: walk, limit })) docs.push({ type, doc });
    }
    const cmp = docComparator(walk);
    docs.sort((a, b) => cmp(a.doc, b.doc) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    return docs.slice(0, limit);
  }

  private async keysetPage(reader: RepoReader, req: SearchRequest, perType: TypeQuery[], sort: SortSpec, count: number): Promise<Page> {
    const cursor = req.cursor ? decodeCursor(req.cursor, sort.length - 1) : undefined;
    const walk = cursor?.direction === 'prev' ? reverseSort(sort) : sort;
    let docs = await this.fetch(reader, perType, walk, count + 1, cursor ? keysetFilter(walk, cursor.values, cursor.id) : undefined);
    const hasMoreInWalk = docs.length > count;
    docs = docs.slice(0, count);
    if (cursor?.direction === 'prev') docs.reverse();
    const hasNext = cursor?.direction === 'prev' ? true : hasMoreInWalk;
    const hasPrev = cursor?.direction === 'prev' ? hasMoreInWalk : cursor !== undefined;
    const keys = sort.slice(0, -1);
    const first = docs[0]?.doc;
    const last = docs[docs.length - 1]?.doc;
    return {
      docs,
      knownTotal: !cursor && !hasMoreInWalk ? docs.length : undefined,
      next: hasNext && last ? encodeCursor({ direction: 'next', id: last._id, values: boundaryOf(last, keys) }) : undefined,
      previous: hasPrev && first ? encodeCursor({ direction: 'prev', id: first._id, values: boundaryOf(first, keys) }) : undefined,
    };
  }

  private entry(ctx: RequestContext, type: string, resource: Resource | undefined, mode: 'match' | 'include', req: SearchRequest): BundleEntry {
    const shaped = resource ? shapeResource(resource, req.summary, req.elements) : undefined;
    return { fullUrl: `${ctx.baseUrl}/${type}/${resource?.id ?? ''}`, resource: shaped, search: { mode } };
  }
}

function pageUrl(call: SearchCall, replace: Array<[string, string]>): string {
  const params = new URLSearchParams();
  for (const [k, v] of call.query) if (k !== '_cursor') params.append(k, v);
  for (const [k, v] of replace) params.append(k, v);
  const qs = params.toString();
  return qs ? `${call.linkBase}?${qs}` : call.linkBase;
}

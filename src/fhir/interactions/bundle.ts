/**
 * Batch and transaction Bundles (FHIR R4 http.html#transaction).
 *
 * transaction: all entries run against one store transaction, in the order the spec sets (DELETE, POST,
 * PUT/PATCH, GET/HEAD); `urn:uuid:` fullUrls get their ids before any write so every reference can be
 * rewritten; conditional references must match exactly one resource. Any failing entry fails the whole
 * Bundle and nothing is stored. batch: every entry runs on its own and reports its own outcome.
 */
import type { Bundle, BundleEntry, BundleEntryRequest, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context';
import { WriterScope } from '../../repository/repository';
import type { FhirRouter } from '../router';
import type { FhirServices } from '../services';
import type { FhirRequest, FhirResponse, HttpMethod } from '../request';
import { decodeSegment } from '../request';
import { fail, failWithIssues, outcomeOf, statusOf } from '../outcomes';
import { isConcreteResourceType } from '../resource-types';
import type { ReferenceResolver } from './references';
import { resolveConditionalReferences, resolveReferences, rewriteKnownReferences } from './references';
import { Repository } from '../../repository/repository';
import { applyReturnPreference } from '../prefer';
import { versionResponse } from '../versions';
import { assertValid, withoutServerMeta } from './body';
import { withRemembered } from '../../validation/validator';
import { bundleEntries, checkedEntry } from './bundle-shape';
import { envelopeIssues } from '../../validation/envelope';

const ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 410: 'Gone', 412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 500: 'Internal Server Error',
};

/** Splits an entry URL (relative, or absolute on this server) into path segments and query. */
export function parseEntryUrl(url: string, baseUrl: string): { path: string[]; query: Array<[string, string]> } {
  let rel = url.startsWith(baseUrl + '/') ? url.slice(baseUrl.length + 1) : url;
  if (/^[a-z]+:/i.test(rel)) throw fail(400, 'invalid', `entry URL '${url}' is not on this server`);
  rel = rel.replace(/^\/+/, '');
  const q = rel.indexOf('?');
  const pathPart = q < 0 ? rel : rel.slice(0, q);
  const query = q < 0 ? [] : [...new URLSearchParams(rel.slice(q + 1))];
  return { path: pathPart.split('/').filter(Boolean).map(decodeSegment), query };
}

interface PreparedEntry {
  readonly index: number;
  readonly entry: BundleEntry;
  readonly request: BundleEntryRequest & { method: HttpMethod };
  readonly req: FhirRequest;
}

function prepare(ctx: RequestContext, raw: unknown, index: number, prefer?: string): PreparedEntry {
  const entry = checkedEntry(raw, index);
  const request = entry.request as BundleEntryRequest & { url: string };
  const { path, query } = parseEntryUrl(request.url, ctx.baseUrl);
  const headers: Record<string, string | undefined> = {
    'if-match': request.ifMatch,
    'if-none-match': request.ifNoneMatch,
    'if-none-exist': request.ifNoneExist,
    'if-modified-since': request.ifModifiedSince,
    // The Bundle's Prefer applies to its entries (http.html#transaction).
    prefer,
  };
  const method = request.method as HttpMethod;
  const isPatch = method === 'PATCH';
  const body = isPatch && entry.resource?.resourceType === 'Binary' ? decodeBinaryPatch(entry.resource) : entry.resource;
  return {
    index,
    entry,
    request: { ...request, method },
    req: {
      method,
      path,
      query,
      headers,
      body: body === undefined ? undefined : structuredClone(body),
      contentType: isPatch ? (Array.isArray(body) ? 'application/json-patch+json' : 'application/fhir+json') : 'application/fhir+json',
    },
  };
}

/** A JSON Patch inside a Bundle travels as a Binary (http.html#patch). */
function decodeBinaryPatch(binary: Resource): unknown {
  const data = (binary as { data?: unknown }).data;
  if (typeof data !== 'string' || !data) throw fail(400, 'invalid', 'a PATCH entry carried as Binary needs data');
  try {
    return JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    throw fail(400, 'invalid', 'the Binary of a PATCH entry does not hold JSON');
  }
}

function responseEntry(ctx: RequestContext, res: FhirResponse): BundleEntry {
  return {
    ...(res.body ? { resource: res.body } : {}),
    response: {
      status: `${res.status} ${STATUS_TEXT[res.status] ?? ''}`.trim(),
      ...(res.location ? { location: res.location.startsWith(ctx.baseUrl + '/') ? res.location.slice(ctx.baseUrl.length + 1) : res.location } : {}),
      ...(res.etag ? { etag: res.etag } : {}),
      ...(res.lastUpdated ? { lastModified: res.lastUpdated } : res.lastModified ? { lastModified: new Date(res.lastModified).toISOString() } : {}),
    },
  };
}

export async function processBundle(ctx: RequestContext, services: FhirServices, router: FhirRouter, req: FhirRequest): Promise<FhirResponse> {
  const bundle = req.body as Bundle | undefined;
  if (!bundle || typeof bundle !== 'object' || bundle.resourceType !== 'Bundle') {
    throw fail(400, 'invalid', 'POST to the base needs a Bundle of type batch or transaction');
  }
  if (bundle.type !== 'batch' && bundle.type !== 'transaction') {
    throw fail(400, 'invalid', `Bundle.type must be batch or transaction, not '${bundle.type ?? ''}'`, ['Bundle.type']);
  }
  const entries = bundleEntries(bundle);
  if (entries.length > services.limits.maxBundleEntries) {
    throw fail(413, 'too-costly', `the Bundle has ${entries.length} entries; the limit is ${services.limits.maxBundleEntries}`);
  }
  const prefer = req.headers['prefer'];
  return bundle.type === 'batch' ? batch(ctx, services, router, entries, prefer) : transaction(ctx, services, router, entries, prefer);
}

/** Batch entries are independent (http.html#transaction): a few run at a time, answers keep the request order. */
const BATCH_CONCURRENCY = 8;

async function batch(ctx: RequestContext, services: FhirServices, router: FhirRouter, entries: readonly unknown[], prefer: string | undefined): Promise<FhirResponse> {
  const out: BundleEntry[] = new Array(entries.length);
  const runOne = async (entry: unknown, index: number): Promise<BundleEntry> => {
    let prepared: ReturnType<typeof prepare> | undefined;
    try {
      prepared = prepare(ctx, entry, index, prefer);
      if (prepared.req.path.length === 0) throw fail(400, 'invalid', `entry ${index}: a batch cannot contain another batch or transaction`);
      if (prepared.req.body && typeof prepared.req.body === 'object' && !Array.isArray(prepared.req.body)) {
        const resolver: ReferenceResolver = { local: new Map(), reader: services.repo.reader(ctx), search: services.search, conditional: new Map() };
        await resolveReferences(resolver, prepared.req.body as Resource);
      }
      const res = await router.run(ctx, prepared.req);
      router.notify(ctx, prepared.req, router.interactionOf(prepared.req), res.status, res);
      return responseEntry(ctx, res);
    } catch (error) {
      const status = statusOf(error);
      if (status >= 500) ctx.log.error({ err: error }, 'batch entry failed');
      // A refused or failed entry is reported (and so audited) like a refused request.
      if (prepared) router.notify(ctx, prepared.req, router.interactionOf(prepared.req), status, undefined, error);
      return { response: { status: `${status} ${STATUS_TEXT[status] ?? ''}`.trim(), outcome: outcomeOf(error) } };
    }
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const index = next++;
      out[index] = await runOne(entries[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, entries.length) }, worker));
  return { status: 200, body: { resourceType: 'Bundle', type: 'batch-response', entry: out } };
}

async function transaction(ctx: RequestContext, services: FhirServices, router: FhirRouter, entries: readonly unknown[], prefer: string | undefined): Promise<FhirResponse> {
  if (!(services.repo instanceof Repository)) throw fail(400, 'invalid', 'a transaction cannot be nested in another');
  const repo = services.repo;
  if (!repo.engine.atomicTransactions && entries.length > 1) {
    throw fail(400, 'not-supported', 'this MongoDB deployment cannot run multi-document transactions (it is not a replica set); send a batch, or run MongoDB as a replica set');
  }
  const prepared = entries.map((e, i) => prepare(ctx, e, i, prefer));
  for (const p of prepared) {
    if (p.req.path.length === 0) throw fail(400, 'invalid', `entry ${p.index}: a transaction cannot contain another batch or transaction`);
  }
  const fullUrls = new Set<string>();
  for (const p of prepared) {
    if (p.entry.fullUrl && fullUrls.has(p.entry.fullUrl)) throw fail(400, 'invalid', `entry ${p.index}: fullUrl ${p.entry.fullUrl} appears twice`);
    if (p.entry.fullUrl) fullUrls.add(p.entry.fullUrl);
  }
  const order = [...prepared].sort((a, b) => ORDER[a.request.method] - ORDER[b.request.method] || a.index - b.index);

  // Before taking the store's writer: ids for plain creates, and validation of every entry that will be
  // written as sent, in parallel on all threads (the writer serialises transactions; validation need not wait).
  // Conditional creates get a provisional id too: used when their If-None-Exist matches nothing.
  const freshIds = new Map<number, string>();
  const provisionalIds = new Map<number, string>();
  const known = new Map<string, string>();
  for (const p of order) {
    const [type] = p.req.path;
    if (p.request.method === 'POST' && p.req.path.length === 1 && isConcreteResourceType(type)) {
      const id = repo.newId();
      if (p.request.ifNoneExist) provisionalIds.set(p.index, id);
      else {
        freshIds.set(p.index, id);
        if (p.entry.fullUrl) known.set(p.entry.fullUrl, `${type}/${id}`);
      }
    } else if (p.entry.fullUrl && p.req.path.length === 2) {
      known.set(p.entry.fullUrl, `${type}/${p.req.path[1]}`);
    }
  }
  const remembered = await prevalidate(ctx, services, order, new Map([...freshIds, ...provisionalIds]), known);

  const results = await repo.write(ctx, async (writer) => {
    const scoped: FhirServices = { ...services, repo: new WriterScope(writer, repo), validator: withRemembered(services.validator, remembered) };
    const local = new Map<string, string>(known);
    const resolver: ReferenceResolver = { local, reader: writer, search: services.search, conditional: new Map() };
    // Ids for the rest: conditional creates get their If-None-Exist match or a fresh id, conditional updates their match.
    const plannedIds = new Map<number, string>(freshIds);
    for (const p of order) {
      const [type] = p.req.path;
      if (plannedIds.has(p.index)) continue;
      if (p.request.method === 'POST' && p.req.path.length === 1 && isConcreteResourceType(type)) {
        let id = provisionalIds.get(p.index) ?? writer.newId();
        if (p.request.ifNoneExist) {
          await writer.lock(`ifNoneExist:${type}?${p.request.ifNoneExist}`);
          const matches = await services.search.matchConditional(writer, type, p.request.ifNoneExist, 2);
          if (matches.length > 1) throw fail(412, 'multiple-matches', `entry ${p.index}: If-None-Exist '${p.request.ifNoneExist}' matches more than one ${type}`);
          if (matches.length === 1) id = matches[0].id;
        }
        plannedIds.set(p.index, id);
        if (p.entry.fullUrl) local.set(p.entry.fullUrl, `${type}/${id}`);
      } else if (p.request.method === 'PUT' && p.req.path.length === 1 && p.req.query.length > 0 && p.entry.fullUrl) {
        const criteria = new URLSearchParams(p.req.query.map(([k, v]): [string, string] => [k, v])).toString();
        const matches = await services.search.matchConditional(writer, type, criteria, 2);
        if (matches.length > 1) throw fail(412, 'multiple-matches', `entry ${p.index}: '${criteria}' matches more than one ${type}`);
        const id = matches[0]?.id ?? (p.req.body as Resource | undefined)?.id ?? writer.newId();
        local.set(p.entry.fullUrl, `${type}/${id}`);
        if (!matches[0] && p.req.body) (p.req.body as Resource).id = id;
      }
    }
    const responses = new Map<number, FhirResponse>();
    for (const p of order) {
      try {
        if (p.req.body && typeof p.req.body === 'object' && !Array.isArray(p.req.body)) await resolveReferences(resolver, p.req.body as Resource);
        const id = plannedIds.get(p.index);
        const res = id !== undefined ? await createWithId(ctx, scoped, p, id) : await router.run(ctx, p.req, scoped);
        if (res.status >= 400) throw fail(res.status, 'processing', `entry ${p.index} failed`);
        responses.set(p.index, res);
      } catch (error) {
        const status = statusOf(error);
        const oo = outcomeOf(error);
        const detail = oo.issue?.[0]?.details?.text ?? 'failed';
        const rest = (oo.issue ?? []).slice(1);
        const located = (oo.issue ?? []).flatMap((i) => i.expression ?? []).map((e) => `Bundle.entry[${p.index}].resource${e.slice(e.indexOf('.') >= 0 ? e.indexOf('.') : e.length)}`);
        throw failWithIssues(status, [
          {
            severity: 'error',
            code: oo.issue?.[0]?.code ?? 'processing',
            details: { text: `transaction failed at entry ${p.index} (${p.request.method} ${p.request.url}): ${detail}` },
            ...(located.length > 0 ? { expression: located } : {}),
          },
          ...rest,
        ]);
      }
    }
    return responses;
  });
  for (const p of prepared) {
    const res = results.get(p.index);
    if (res) router.notify(ctx, p.req, router.interactionOf(p.req), res.status, res);
  }
  return {
    status: 200,
    body: { resourceType: 'Bundle', type: 'transaction-response', entry: prepared.map((p) => responseEntry(ctx, results.get(p.index) as FhirResponse)) },
  };
}

/**
 * Validates, in parallel, what the creates and updates of a transaction will write — with the references
 * whose targets are already known rewritten — and returns the issues by the candidate's JSON. An entry
 * whose final form differs (a conditional reference, an If-None-Exist target) is validated again later.
 */
async function prevalidate(
  ctx: RequestContext,
  services: FhirServices,
  order: readonly PreparedEntry[],
  freshIds: ReadonlyMap<number, string>,
  known: ReadonlyMap<string, string>,
): Promise<Map<string, OperationOutcomeIssue[]>> {
  const candidates: Resource[] = [];
  // Conditional references resolved against committed data; the transaction resolves them again under its
  // lock, and validates again any entry whose final form differs.
  const resolver: ReferenceResolver = { local: known, reader: services.repo.reader(ctx), search: services.search, conditional: new Map() };
  for (const p of order) {
    const body = p.req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) continue;
    const id = freshIds.get(p.index);
    const isUpdate = p.request.method === 'PUT' && p.req.path.length === 2;
    if (id === undefined && !isUpdate) continue;
    // A misshapen entry is left to its own run, which names it in the answer.
    if (envelopeIssues(body).length > 0) continue;
    const copy = structuredClone(body) as Resource;
    rewriteKnownReferences(copy, known);
    await resolveConditionalReferences(resolver, copy);
    candidates.push(id !== undefined ? { ...withoutServerMeta(copy), id } : withoutServerMeta(copy));
  }
  const issues = await services.validator.validateMany(candidates);
  return new Map(candidates.map((c, i) => [JSON.stringify(c), issues[i]]));
}

/** A transaction POST whose id was planned (or whose If-None-Exist matched): create it, or answer 200 with the match. */
async function createWithId(ctx: RequestContext, services: FhirServices, p: PreparedEntry, id: string): Promise<FhirResponse> {
  const [type] = p.req.path;
  const existing = await services.repo.reader(ctx).currentVersion(type, id);
  if (existing && !existing.deleted) return applyReturnPreference(p.req, versionResponse(ctx, existing, 200, true));
  const body = p.req.body as Resource | undefined;
  if (!body || body.resourceType !== type) throw fail(400, 'invalid', `entry ${p.index}: the resource must be a ${type}`);
  const candidate = { ...withoutServerMeta(body), id };
  await assertValid(services, candidate);
  const { version } = await services.repo.write(ctx, (w) => w.put(candidate, { method: 'POST', mustNotExist: true }));
  return applyReturnPreference(p.req, versionResponse(ctx, version, 201, true));
}

/**
 * The FHIR router: maps a framework-neutral FhirRequest to the interaction that serves it
 * (http.html's URL patterns), runs it, applies `Prefer: return=`, and reports it to the observers.
 * Every route the server answers is in ROUTES, which the CapabilityStatement reads.
 */
import type { RequestContext } from '../context';
import { authorize } from '../access/authorize';
import { COMPARTMENT_TYPES } from '../search/compartments';
import { patientDataTypes } from '../access/resource-classes';
import { capabilityStatement } from './capabilities';
import { create } from './interactions/create';
import { conditionalRemove, remove } from './interactions/delete';
import { history } from './interactions/history';
import { read, vread } from './interactions/read';
import { search } from './interactions/search';
import { conditionalUpdate, update } from './interactions/update';
import type { InteractionEvent, InteractionObserver } from './observers';
import type { OperationRegistry, OperationTarget } from './operations';
import { fail, outcomeOf, ruleOf, statusOf } from './outcomes';
import type { FhirRequest, FhirResponse, HttpMethod } from './request';
import { queryString } from './request';
import { applyReturnPreference } from './prefer';
import { isConcreteResourceType } from './resource-types';
import type { FhirServices } from './services';
import { patch, conditionalPatch } from './interactions/patch';
import { processBundle } from './interactions/bundle';

export type Handler = (ctx: RequestContext, req: FhirRequest) => Promise<FhirResponse>;

export interface Route {
  /** The interaction code (CapabilityStatement TypeRestfulInteraction / SystemRestfulInteraction). */
  readonly interaction: string;
  readonly handler: Handler;
}

/** The interactions the router serves, by level (read by the CapabilityStatement). */
export const TYPE_INTERACTIONS = ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type'] as const;
export const SYSTEM_INTERACTIONS = ['transaction', 'batch', 'search-system', 'history-system'] as const;

const WRITE_INTERACTIONS = new Set(['create', 'update', 'patch']);

export class FhirRouter {
  constructor(
    private readonly services: FhirServices,
    readonly operations: OperationRegistry,
    private readonly observers: readonly InteractionObserver[] = [],
  ) {}

  /** Handles one request end to end, reporting it to the observers. */
  async handle(ctx: RequestContext, req: FhirRequest): Promise<FhirResponse> {
    const route = this.route(req);
    let response: FhirResponse;
    try {
      response = await this.run(ctx, req, this.services, route);
    } catch (error) {
      this.notify(ctx, req, route?.interaction ?? 'unknown', statusOf(error), undefined, error);
      throw error;
    }
    this.notify(ctx, req, route?.interaction ?? 'unknown', response.status, response);
    return response;
  }

  /**
   * Runs a request without reporting it (batch and transaction entries report after their commit).
   * `services` lets a transaction run entries against its own writer.
   */
  async run(ctx: RequestContext, req: FhirRequest, services: FhirServices = this.services, route = this.route(req, services)): Promise<FhirResponse> {
    if (!route) throw this.noRoute(req);
    const response = await route.handler(authorize(ctx, req, route.interaction), req);
    return WRITE_INTERACTIONS.has(route.interaction) ? applyReturnPreference(req, response) : response;
  }

  notify(ctx: RequestContext, req: FhirRequest, interaction: string, status: number, response?: FhirResponse, error?: unknown): void {
    if (this.observers.length === 0) return;
    const [resourceType, id] = req.path;
    const event: InteractionEvent = {
      interaction: interaction === 'transaction' && isBatch(req.body) ? 'batch' : interaction,
      requestId: ctx.requestId,
      identity: ctx.identity,
      at: ctx.now(),
      resourceType: resourceType && isConcreteResourceType(resourceType) ? resourceType : undefined,
      id: response?.body?.id ?? (id && !id.startsWith('$') && !id.startsWith('_') ? id : undefined),
      versionId: response?.body?.meta?.versionId ?? versionOfEtag(response?.etag),
      status,
      method: req.method,
      resource: response?.body,
      path: req.path.join('/'),
      query: readableQuery(req.query),
      address: ctx.address,
      failure: status >= 400 ? failureOf(status, error) : undefined,
      audit: ctx.audit,
    };
    for (const observer of this.observers) {
      Promise.resolve(observer.onInteraction(event)).catch((err: unknown) => ctx.log.error({ err }, 'interaction observer failed'));
    }
  }

  interactionOf(req: FhirRequest): string {
    return this.route(req)?.interaction ?? 'unknown';
  }

  private noRoute(req: FhirRequest): Error {
    const [first] = req.path;
    if (first && !first.startsWith('$') && !first.startsWith('_') && first !== 'metadata' && !isConcreteResourceType(first)) {
      return fail(404, 'not-found', `unknown resource type '${first}'`);
    }
    if (this.pathExists(req.path)) return fail(405, 'not-supported', `${req.method} is not allowed on /${req.path.join('/')}`);
    return fail(404, 'not-found', `no FHIR endpoint at /${req.path.join('/')}`);
  }

  private pathExists(path: readonly string[]): boolean {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as HttpMethod[]) {
      if (this.route({ method, path, query: [], headers: {} })) return true;
    }
    return false;
  }

  route(req: FhirRequest, s: FhirServices = this.services): Route | undefined {
    const p = req.path;
    const m = req.method === 'HEAD' ? 'GET' : req.method;
    const r = (interaction: string, handler: Handler): Route => ({ interaction, handler });
    const criteria = queryString(req.query, ['_format', '_pretty']);

    if (p.length === 0) {
      if (m === 'GET') return r('search-system', (ctx) => search(ctx, s, req, { types: [], path: '' }));
      if (m === 'POST') return r('transaction', (ctx) => processBundle(ctx, s, this, req));
      return undefined;
    }
    const [a, b, c, d] = p;
    if (p.length === 1) {
      if (a === 'metadata') return m === 'GET' ? r('capabilities', async () => ({ status: 200, body: capabilityStatement(s, this) })) : undefined;
      if (a === '_history') return m === 'GET' ? r('history-system', (ctx) => history(ctx, s, req, {})) : undefined;
      if (a === '_search') return m === 'POST' ? r('search-system', (ctx) => search(ctx, s, req, { types: [], path: '' })) : undefined;
      if (a.startsWith('$')) return this.operationRoute(req, a, { level: 'system' }, s);
      if (!isConcreteResourceType(a)) return undefined;
      switch (m) {
        case 'GET':
          return r('search-type', (ctx) => search(ctx, s, req, { types: [a], path: a }));
        case 'POST':
          return r('create', (ctx) => create(ctx, s, req, a));
        case 'PUT':
          return criteria ? r('update', (ctx) => conditionalUpdate(ctx, s, req, a, criteria)) : undefined;
        case 'DELETE':
          return criteria ? r('delete', (ctx) => conditionalRemove(ctx, s, req, a, criteria)) : undefined;
        case 'PATCH':
          return criteria ? r('patch', (ctx) => conditionalPatch(ctx, s, req, a, criteria)) : undefined;
        default:
          return undefined;
      }
    }
    if (!isConcreteResourceType(a)) return undefined;
    if (p.length === 2) {
      if (b === '_search') return m === 'POST' ? r('search-type', (ctx) => search(ctx, s, req, { types: [a], path: a })) : undefined;
      if (b === '_history') return m === 'GET' ? r('history-type', (ctx) => history(ctx, s, req, { resourceType: a })) : undefined;
      if (b.startsWith('$')) return this.operationRoute(req, b, { level: 'type', resourceType: a }, s);
      switch (m) {
        case 'GET':
          return r('read', (ctx) => read(ctx, s, req, a, b));
        case 'PUT':
          return r('update', (ctx) => update(ctx, s, req, a, b));
        case 'DELETE':
          return r('delete', (ctx) => remove(ctx, s, req, a, b));
        case 'PATCH':
          return r('patch', (ctx) => patch(ctx, s, req, a, b));
        default:
          return undefined;
      }
    }
    if (p.length === 3) {
      if (c === '_history') return m === 'GET' ? r('history-instance', (ctx) => history(ctx, s, req, { resourceType: a, id: b })) : undefined;
      if (c.startsWith('$')) return this.operationRoute(req, c, { level: 'instance', resourceType: a, id: b }, s);
      if ((COMPARTMENT_TYPES as readonly string[]).includes(a) && (isConcreteResourceType(c) || c === '*') && m === 'GET') {
        const types = c === '*' ? patientDataTypes() : [c];
        return r('search-type', (ctx) => search(ctx, s, req, { types, compartment: { type: a, id: b }, path: `${a}/${b}/${c}` }));
      }
      return undefined;
    }
    if (p.length === 4 && c === '_history' && m === 'GET') return r('vread', (ctx) => vread(ctx, s, req, a, b, d));
    return undefined;
  }

  private operationRoute(req: FhirRequest, segment: string, target: OperationTarget, services: FhirServices): Route | undefined {
    const op = this.operations.get(segment.slice(1));
    if (!op) return { interaction: 'operation', handler: async () => Promise.reject(fail(404, 'not-found', `unknown operation ${segment}`)) };
    if (!op.levels.includes(target.level) || (target.resourceType && op.resourceTypes && !op.resourceTypes.includes(target.resourceType))) {
      return { interaction: 'operation', handler: async () => Promise.reject(fail(404, 'not-found', `operation ${segment} is not defined at ${target.level} level${target.resourceType ? ` for ${target.resourceType}` : ''}`)) };
    }
    const m = req.method === 'HEAD' ? 'GET' : req.method;
    if (m !== 'POST' && !(m === 'GET' && op.idempotent)) return undefined;
    return { interaction: `operation:${op.name}`, handler: (ctx) => op.handle(ctx, services, req, target) };
  }
}

function isBatch(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { type?: unknown }).type === 'batch';
}

/** The query as a client writes it: percent-encoded, but with `/ | : , $` left readable. */
function readableQuery(query: FhirRequest['query']): string {
  const encode = (v: string): string => encodeURIComponent(v).replace(/%2F/g, '/').replace(/%7C/g, '|').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%24/g, '$');
  return query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
}

function versionOfEtag(etag: string | undefined): string | undefined {
  return etag ? /^W\/"(.+)"$/.exec(etag)?.[1] : undefined;
}

/** What an audit may say about a failure: no diagnostics (they can quote the request), only codes. */
function failureOf(status: number, error: unknown): string {
  if (status >= 500) return `${status} exception`;
  const rule = ruleOf(error);
  const code = error === undefined ? undefined : outcomeOf(error).issue?.find((i) => i.severity === 'error' || i.severity === 'fatal')?.code;
  return [String(status), code, rule ? `rule ${rule}` : undefined].filter(Boolean).join(' ');
}

/**
 * A deterministic mutation fuzzer against the real HTTP app and the real embedded store: mutated real
 * resources (the Synthea sample in ../shared/fixtures/synthea, read where it lies, and the seed generator's
 * region) sent as POST, PUT and PATCH; odd batch and transaction Bundles; random search strings.
 *
 * For every request: no 5xx (the first failing request is printed), every 4xx carries an OperationOutcome,
 * no prototype is polluted, and a refused write leaves the store as it was (current resources and history
 * entries counted through hub.engine.count before and after).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { generateRegion } from '../../seed/generator/region';
import { isConcreteResourceType } from '../../src/fhir/resource-types';
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, startTestHub } from '../helpers/hub';
import type { Json } from './mutate';
import { mutate, swapped } from './mutate';
import { Random } from './random';
import { oddBundle, searchUrl } from './requests';

const SEED = 20261101;
const WRITES = 450;
const BUNDLES = 150;
const SEARCHES = 500;

const SYNTHEA = path.resolve(__dirname, '../../../shared/fixtures/synthea');

/** A few resources of every type in each bundle (picked with the fuzzer's PRNG). */
function sample(r: Random, bundles: Iterable<Bundle>, perType: number): Json[] {
  const out: Json[] = [];
  for (const bundle of bundles) {
    const byType = new Map<string, Json[]>();
    for (const e of bundle.entry ?? []) {
      if (!e.resource) continue;
      const list = byType.get(e.resource.resourceType) ?? [];
      list.push(e.resource as unknown as Json);
      byType.set(e.resource.resourceType, list);
    }
    for (const list of byType.values()) for (let i = 0; i < perType && list.length > 0; i++) out.push(r.pick(list));
  }
  return out;
}

/** Real resources: from each Synthea bundle and from a tiny seeded region, a couple of every type. */
function realResources(r: Random): Json[] {
  const files = fs.existsSync(SYNTHEA) ? fs.readdirSync(SYNTHEA).filter((f) => f.endsWith('.json')).sort() : [];
  const synthea = files.map((f) => JSON.parse(fs.readFileSync(path.join(SYNTHEA, f), 'utf8')) as Bundle);
  return [...sample(r, synthea, 1), ...sample(r, generateRegion({ seed: 5, clinics: 2, residents: 3 }), 1)];
}

interface Answer {
  readonly status: number;
  readonly body: { resourceType?: string; entry?: Array<{ response?: { status?: string; outcome?: { resourceType?: string } } }> };
}

let t: TestHub;
const r = new Random(SEED);
let resources: Json[] = [];
/** Resources stored at the start, targets of PUT and PATCH. */
const stored: Array<{ type: string; id: string }> = [];
let requests = 0;

beforeAll(async () => {
  // The audit trail is off: it stores AuditEvents of refusals too, and this suite checks that refusals store nothing else.
  t = await startTestHub({ bodyLimitBytes: 8 * 1024 * 1024, audit: false });
  resources = realResources(r);
  // One stored resource of each type is the target of PUTs and PATCHes.
  const targets = new Map<string, Json>();
  for (const res of resources) targets.set((res as { resourceType: string }).resourceType, targets.get((res as { resourceType: string }).resourceType) ?? res);
  for (const res of targets.values()) {
    const type = (res as { resourceType: string }).resourceType;
    const { id: _id, ...body } = res as { [key: string]: Json };
    const answer = await t.api.post(`/fhir/${type}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body));
    if (answer.status === 201) stored.push({ type, id: answer.body.id as string });
  }
});
afterAll(async () => {
  await t.close();
});

/**
 * What a refused write must leave unchanged: the current resources of every type in play, and the history
 * entries. History only grows (every write appends one entry per version), so its count after a request is
 * its count before plus the entries stamped since the request began: those are counted on the `ts` index,
 * which keeps the check cheap however large the history is.
 */
async function counts(since: number, types: ReadonlySet<string>): Promise<string> {
  const parts = [`history+${await t.hub.engine.count('history', { ts: { $gte: since } })}`];
  for (const type of [...types].sort()) parts.push(`${type}=${await t.hub.engine.count(type, {})}`);
  return parts.join(' ');
}

async function written(since: number): Promise<string> {
  const ids: string[] = [];
  for await (const doc of t.hub.engine.find('history', { ts: { $gte: since } }, { limit: 5 })) ids.push(doc._id);
  return ids.join(', ');
}

/** The problem with one answer, if any. */
function problem(answer: Answer): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}`;
  if (answer.status >= 400 && answer.body.resourceType !== 'OperationOutcome') return `answered ${answer.status} without an OperationOutcome`;
  for (const e of answer.body.entry ?? []) {
    const status = Number(e.response?.status?.slice(0, 3));
    if (status >= 500) return `a Bundle entry answered ${e.response?.status}`;
    if (status >= 400 && e.response?.outcome?.resourceType !== 'OperationOutcome') return `a Bundle entry answered ${status} without an OperationOutcome`;
  }
  if (({} as Record<string, unknown>).polluted !== undefined || Object.getPrototypeOf({}) !== Object.prototype) return 'Object.prototype was changed';
  return undefined;
}

function describe(method: string, url: string, body?: string): string {
  return `${method} ${url.slice(0, 300)}${body === undefined ? '' : `\n${body.slice(0, 1500)}`}`;
}

/** The resource types a write may touch: the URL's, and every resourceType named in the body. */
function typesIn(url: string, body: string): Set<string> {
  const named = [url.split(/[/?]/)[2] ?? '', ...[...body.matchAll(/"resourceType":"([A-Za-z]{1,64})"/g)].map((m) => m[1])];
  return new Set(named.filter((type) => isConcreteResourceType(type)));
}

/** Sends one write; on refusal the counts must not have moved. Returns the first failure, if any. */
async function write(method: 'POST' | 'PUT' | 'PATCH', url: string, body: string, contentType = FHIR_JSON): Promise<string | undefined> {
  // A millisecond past every version stored so far: lastUpdated is strictly later than any earlier version's.
  const since = Date.now() + 1;
  while (Date.now() < since) await new Promise((resolve) => setTimeout(resolve, 1));
  const types = typesIn(url, body);
  const start = await counts(since, types);
  requests++;
  const req = method === 'POST' ? t.api.post(url) : method === 'PUT' ? t.api.put(url) : t.api.patch(url);
  const answer = (await req.set('Content-Type', contentType).send(body)) as Answer;
  const why = problem(answer);
  if (why) return `${why}: ${describe(method, url, body)}\n→ ${JSON.stringify(answer.body).slice(0, 500)}`;
  const refused = answer.status >= 400 || (answer.body.entry !== undefined && answer.body.entry.length > 0 && answer.body.entry.every((e) => Number(e.response?.status?.slice(0, 3)) >= 400));
  if (refused) {
    const after = await counts(since, types);
    if (after !== start) return `a refused write (${answer.status}) changed the store: ${start} → ${after} (${await written(since)}): ${describe(method, url, body)}`;
  }
  return undefined;
}

function jsonPatch(rnd: Random): Json {
  const paths = ['/name', '/name/0/family', '/meta', '/meta/profile', '/id', '/resourceType', '/__proto__/polluted', '/constructor/prototype/polluted', '/name/0/__proto__/x', '/extension/-', '', '/', '/x'.repeat(200), '/status'];
  return Array.from({ length: rnd.int(1, 3) }, () => ({ op: rnd.pick(['add', 'replace', 'remove', 'move', 'copy', 'test', 'x']), path: rnd.pick(paths), from: rnd.pick(paths), value: swapped(rnd, 'x') }));
}

function fhirPathPatch(rnd: Random): Json {
  const part = (name: string, value: Json): Json => ({ name, ...(typeof value === 'string' ? { valueString: value } : typeof value === 'number' ? { valueInteger: value } : { part: value }) });
  return {
    resourceType: 'Parameters',
    parameter: [
      {
        name: 'operation',
        part: [
          part('type', rnd.pick(['add', 'insert', 'delete', 'replace', 'move', 'x'])),
          part('path', rnd.pick(['Patient', 'Patient.name', 'Patient.name[0]', 'Patient.constructor.prototype', 'Patient.__proto__', 'Patient.name.where(', 'Observation.code', 'Patient.meta'])),
          part('name', rnd.pick(['family', '__proto__', 'constructor', 'prototype', 'x', ''])),
          part('value', rnd.pick<Json>(['x', 5, [{ name: '__proto__', valueString: 'yes' }], [{ name: 'polluted', valueString: 'yes' }]])),
          part('index', rnd.pick([0, 5, -1])),
        ],
      },
    ],
  };
}

it('finds the real resources', () => {
  expect(resources.length).toBeGreaterThan(50);
  expect(stored.length).toBeGreaterThan(20);
});

it(`mutated real resources, sent as ${WRITES} POST, PUT and PATCH requests`, async () => {
  let failure: string | undefined;
  for (let i = 0; i < WRITES && !failure; i++) {
    const base = r.pick(resources) as { resourceType: string };
    const type = base.resourceType;
    const body = mutate(r, base as unknown as Json);
    const kind = r.int(0, 3);
    if (kind === 0) failure = await write('POST', `/fhir/${type}`, JSON.stringify(body));
    else if (kind === 1) {
      const target = r.pick(stored);
      if (r.chance(0.8) && body.id !== undefined) body.id = target.id;
      failure = await write('PUT', `/fhir/${target.type}/${target.id}`, JSON.stringify(body));
    } else if (kind === 2) {
      const target = r.pick(stored);
      failure = await write('PATCH', `/fhir/${target.type}/${target.id}`, JSON.stringify(jsonPatch(r)), 'application/json-patch+json');
    } else {
      const target = r.pick(stored);
      failure = await write('PATCH', `/fhir/${target.type}/${target.id}`, JSON.stringify(fhirPathPatch(r)));
    }
  }
  expect(failure).toBeUndefined();
});

it(`${BUNDLES} odd batch and transaction Bundles`, async () => {
  let failure: string | undefined;
  for (let i = 0; i < BUNDLES && !failure; i++) failure = await write('POST', '/fhir', JSON.stringify(oddBundle(r, resources)));
  expect(failure).toBeUndefined();
});

it(`${SEARCHES} random search strings`, async () => {
  let failure: string | undefined;
  for (let i = 0; i < SEARCHES && !failure; i++) {
    const url = searchUrl(r);
    requests++;
    const answer = (await t.api.get(url)) as Answer;
    const why = problem(answer);
    if (why) failure = `${why}: GET ${url.slice(0, 500)}\n→ ${JSON.stringify(answer.body).slice(0, 500)}`;
  }
  expect(failure).toBeUndefined();
});

it('stayed within its bounds', () => {
  expect(requests).toBeLessThanOrEqual(WRITES + BUNDLES + SEARCHES);
  // Printed for the record: how many requests the fuzzer sent.
  process.stdout.write(`fuzz: ${requests} requests, ${stored.length} stored resources\n`);
});

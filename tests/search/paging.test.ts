/** Paging with self/next/previous links (FHIR R4 http.html#paging), stable under concurrent writes. */
import type { Bundle, Patient } from '@medplum/fhirtypes';
import type { TestHub } from '../helpers/hub';
import { BASE, startTestHub } from '../helpers/hub';
import { create, put, search } from './helpers';

let t: TestHub;
const created: Array<Patient & { id: string }> = [];

beforeAll(async () => {
  t = await startTestHub();
  for (let i = 0; i < 25; i++) {
    // birth dates repeat (i % 6), so sorts by birthdate have ties that only the id breaks
    created.push(await create<Patient>(t, { resourceType: 'Patient', name: [{ family: 'Page', given: [`G${i % 4}`] }], birthDate: `${1980 + (i % 6)}-01-01` }));
  }
});
afterAll(async () => {
  await t.close();
});

function link(bundle: Bundle, relation: string): string | undefined {
  return bundle.link?.find((l) => l.relation === relation)?.url;
}

async function follow(url: string): Promise<Bundle> {
  expect(url.startsWith(`${BASE}/`)).toBe(true);
  return search(t, url.slice(BASE.length + 1));
}

function pageIds(bundle: Bundle): string[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource?.id ?? '');
}

/** Walks all pages from `path`, calling `between` after each page; returns the ids in page order. */
async function walk(path: string, between?: (page: number) => Promise<void>): Promise<{ seen: string[]; pages: number }> {
  let bundle = await search(t, path);
  const seen = [...pageIds(bundle)];
  let pages = 1;
  for (let next = link(bundle, 'next'); next; next = link(bundle, 'next')) {
    if (between) await between(pages);
    bundle = await follow(next);
    seen.push(...pageIds(bundle));
    pages++;
    expect(pages).toBeLessThan(50);
  }
  return { seen, pages };
}

describe('links', () => {
  it('has self, next and previous links that lead to the neighbouring pages', async () => {
    const first = await search(t, 'Patient?family=page&_count=10');
    expect(link(first, 'self')).toBe(`${BASE}/Patient?family=page&_count=10`);
    expect(link(first, 'previous')).toBeUndefined();
    const nextUrl = link(first, 'next');
    expect(nextUrl).toBeDefined();
    const second = await follow(nextUrl ?? '');
    expect(link(second, 'self')).toBe(nextUrl);
    expect(pageIds(second)).toHaveLength(10);
    expect(pageIds(second).some((id) => pageIds(first).includes(id))).toBe(false);
    const back = await follow(link(second, 'previous') ?? '');
    expect(pageIds(back)).toEqual(pageIds(first));
    const third = await follow(link(second, 'next') ?? '');
    expect(pageIds(third)).toHaveLength(5);
    expect(link(third, 'next')).toBeUndefined();
    expect(pageIds(await follow(link(third, 'previous') ?? ''))).toEqual(pageIds(second));
  });

  it('keeps the search parameters in the links, including those posted in a form body', async () => {
    const res = await t.api.post('/fhir/Patient/_search').type('form').send('family=page&_count=4');
    const next = link(res.body as Bundle, 'next') ?? '';
    expect(next).toContain('family=page');
    expect(next).toContain('_count=4');
    expect(pageIds(await follow(next))).toHaveLength(4);
  });

  it('rejects a tampered cursor with 400', async () => {
    const res = await t.api.get('/fhir/Patient?family=page&_cursor=not-a-cursor');
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });
});

describe('walking all pages', () => {
  const all = (): string[] => created.map((p) => p.id).sort();

  it.each([['family=page&_count=7'], ['family=page&_count=4&_sort=birthdate'], ['family=page&_count=3&_sort=-birthdate,given'], ['family=page&_count=6&_sort=-_lastUpdated']])(
    '%s gives each result exactly once',
    async (query) => {
      const { seen, pages } = await walk(`Patient?${query}`);
      expect(seen).toHaveLength(25);
      expect([...seen].sort()).toEqual(all());
      expect(pages).toBeGreaterThan(3);
    },
  );

  it('follows the sort order across pages', async () => {
    const { seen } = await walk('Patient?family=page&_count=4&_sort=-birthdate');
    const birth = new Map(created.map((p) => [p.id, p.birthDate ?? '']));
    const dates = seen.map((id) => birth.get(id) ?? '');
    expect(dates).toEqual([...dates].sort().reverse());
  });
});

describe('paging while other clients write', () => {
  it.each([['_count=5'], ['_count=5&_sort=birthdate'], ['_count=4&_sort=-given,birthdate']])(
    '%s: no duplicates, nothing skipped among resources that existed throughout',
    async (query) => {
      const tag = `conc-${query.replace(/\W/g, '')}`;
      const existing: Array<Patient & { id: string }> = [];
      for (let i = 0; i < 20; i++) {
        existing.push(await create<Patient>(t, { resourceType: 'Patient', name: [{ family: tag, given: [`G${i % 3}`] }], birthDate: `${1990 + (i % 5)}-06-01` }));
      }
      let n = 0;
      const { seen } = await walk(`Patient?family=${tag}&${query}`, async (page) => {
        // new resources, and updates of existing ones (their sort values unchanged) on every page turn
        for (let k = 0; k < 2; k++) {
          await create<Patient>(t, { resourceType: 'Patient', name: [{ family: tag, given: [`G${n++ % 3}`] }], birthDate: `${1990 + (n % 5)}-06-01` });
        }
        for (const p of [existing[page % 20], existing[(page * 7) % 20]]) await put(t, { ...p, gender: page % 2 === 0 ? 'male' : 'female' });
      });
      expect(new Set(seen).size).toBe(seen.length);
      for (const p of existing) expect(seen).toContain(p.id);
    },
  );
});

describe('paging sorted on values that change between pages', () => {
  it('_sort=-_lastUpdated: updated resources keep their place; none repeats, none is skipped', async () => {
    const tag = 'moving';
    const existing: Array<Patient & { id: string }> = [];
    for (let i = 0; i < 24; i++) existing.push(await create<Patient>(t, { resourceType: 'Patient', name: [{ family: tag, given: [`M${i}`] }] }));
    const { seen, pages } = await walk(`Patient?family=${tag}&_count=5&_sort=-_lastUpdated`, async (page) => {
      // Updating resources moves their _lastUpdated to the front of the sort order.
      for (const p of existing.slice(page * 3, page * 3 + 3)) await put(t, { ...p, gender: 'female' });
      await create<Patient>(t, { resourceType: 'Patient', name: [{ family: tag, given: ['late'] }] });
    });
    expect(pages).toBe(5);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(existing.map((p) => p.id).sort());
  });

  it('a snapshot page link expires with 410 rather than answering wrongly', async () => {
    const bogus = Buffer.from(JSON.stringify(['s', 'no-such-snapshot', 5])).toString('base64url');
    const res = await t.api.get('/fhir/Patient').query({ family: 'moving', _sort: '-_lastUpdated', _cursor: bogus });
    expect(res.status).toBe(410);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });
});

/**
 * One patient's chronic-care status through Patient/$everything (docs/chronic-care.md#status): start and end
 * (care dates), _since (changed since), _type and _count with next links; bad parameters are 400, and a clinic
 * not related to the patient gets 404 with nothing of the record.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { Chronic } from './fixture';
import { as, bloodPressure, condition, created, resident, START, startChronicHub } from './fixture';

let c: Chronic;
let patient = '';
beforeAll(async () => {
  c = await startChronicHub();
  patient = await resident(c);
  await created(await as(c, 'clinicA').post('/fhir/Condition', condition(patient, 'I10', { recordedDate: '2025-06-01' })));
  await created(await as(c, 'clinicA').post('/fhir/Observation', bloodPressure(patient, 132, 82, '2026-03-10T09:00:00+08:00')));
  c.clock.set(Date.parse(START) + 3_600_000);
  await created(await as(c, 'clinicA').post('/fhir/Observation', bloodPressure(patient, 152, 96, '2026-11-20T09:00:00+08:00')));
});
afterAll(async () => {
  await c.t.close();
});

const everything = (query: Record<string, string | number> = {}) => as(c, 'clinicA').get(`/fhir/${patient}/$everything`).query(query);
const kinds = (b: Bundle) => (b.entry ?? []).map((e) => e.resource?.resourceType).sort();
const obsDates = (b: Bundle) => (b.entry ?? []).flatMap((e) => (e.resource?.resourceType === 'Observation' ? [(e.resource as { effectiveDateTime?: string }).effectiveDateTime?.slice(0, 10)] : [])).sort();

describe('Patient/$everything', () => {
  it('returns the patient first, then the plan, goal, team, readings and follow-up', async () => {
    const res = await everything();
    expect(res.status).toBe(200);
    expect(res.body.entry[0].resource.resourceType).toBe('Patient');
    expect(kinds(res.body)).toEqual(['CarePlan', 'CareTeam', 'Condition', 'Goal', 'Observation', 'Observation', 'Patient', 'Task']);
    expect(res.body.total).toBe(8);
  });

  it('start and end keep resources whose care date overlaps the range; the patient and undated ones stay', async () => {
    const res = await everything({ start: '2026-11-01', end: '2026-12-31' });
    expect(res.status).toBe(200);
    expect(obsDates(res.body)).toEqual(['2026-11-20']);
    expect(kinds(res.body)).not.toContain('Condition'); // recorded 2025-06-01
    expect(kinds(res.body)).toContain('Patient');
    expect(kinds(res.body)).toContain('CarePlan'); // period from 2026-12-02, open-ended
    const early = await everything({ end: '2026-06-30' });
    expect(obsDates(early.body)).toEqual(['2026-03-10']);
    expect(kinds(early.body)).toContain('Condition');
    expect(kinds(early.body)).not.toContain('CarePlan');
  });

  it('_since keeps what changed since then; _type narrows the types', async () => {
    const since = await everything({ _since: new Date(Date.parse(START) + 1_800_000).toISOString() });
    expect(kinds(since.body)).toEqual(['Goal', 'Observation', 'Task']); // the second reading, and what it changed
    const onlyObs = await everything({ _type: 'Observation,Patient' });
    expect(kinds(onlyObs.body)).toEqual(['Observation', 'Observation', 'Patient']);
  });

  it('_count pages with next links until everything was returned once', async () => {
    const seen: string[] = [];
    let res = await everything({ _count: 3 });
    for (let pages = 0; ; pages++) {
      expect(res.status).toBe(200);
      expect(res.body.entry.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.entry.map((e: { resource: Resource }) => `${e.resource.resourceType}/${e.resource.id ?? ''}`));
      const next = (res.body as Bundle).link?.find((l) => l.relation === 'next')?.url;
      if (!next) break;
      expect(next).toContain('_count=3');
      expect(pages).toBeLessThan(5);
      res = await as(c, 'clinicA').get(next.replace('http://hub.test', ''));
    }
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
  });

  it.each([
    [{ start: 'yesterday' }, 'start'],
    [{ end: '2026-13-01' }, 'end'],
    [{ start: '2026-12-01', end: '2026-01-01' }, 'lies after'],
    [{ _since: '2026-01-01' }, '_since'],
    [{ _type: 'Organization' }, '_type'],
    [{ _count: 0 }, '_count'],
    [{ _count: 'ten' }, '_count'],
    [{ _cursor: 'not-a-cursor' }, 'cursor'],
    [{ foo: 'bar' }, 'foo'],
  ])('%j is a 400 naming the parameter', async (query, words) => {
    const res = await everything(query as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(JSON.stringify(res.body)).toContain(words);
  });

  it('a clinic not related to the patient gets 404 and nothing of the record', async () => {
    const res = await as(c, 'clinicC').get(`/fhir/${patient}/$everything`).query({ _count: 2 });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('Observation');
    expect(JSON.stringify(res.body)).not.toContain('测试');
  });
});

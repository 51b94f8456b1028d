/**
 * Unknown and malformed parameters (FHIR R4 search.html#errors, http.html Prefer handling), unsupported
 * modifiers, and values that look like query operators or regular expressions.
 */
import type { OperationOutcome, Patient } from '@medplum/fhirtypes';
import type { TestHub } from '../helpers/hub';
import { startTestHub } from '../helpers/hub';
import { create, ids, issueText, outcomeOf, search, sorted } from './helpers';

let t: TestHub;
const id: Record<string, string> = {};
const q = (s: string): string => encodeURIComponent(s);

beforeAll(async () => {
  t = await startTestHub();
  id.a = (await create<Patient>(t, { resourceType: 'Patient', name: [{ family: 'Alpha' }], gender: 'female', birthDate: '1980-01-02', identifier: [{ system: 'http://id', value: 'A1' }] })).id;
  id.b = (await create<Patient>(t, { resourceType: 'Patient', name: [{ family: 'Beta' }], gender: 'male', birthDate: '1990-05-05' })).id;
  id.obs = (await create(t, { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${id.a}` } })).id;
  id.obsNoSubject = (await create(t, { resourceType: 'Observation', status: 'final', code: { text: 'y' } })).id;
});
afterAll(async () => {
  await t.close();
});

async function bad(path: string, headers: Record<string, string> = {}): Promise<string> {
  const req = t.api.get(`/fhir/${path}`);
  for (const [k, v] of Object.entries(headers)) void req.set(k, v);
  const res = await req;
  expect({ path, status: res.status }).toEqual({ path, status: 400 });
  expect(res.body.resourceType).toBe('OperationOutcome');
  return issueText(res.body as OperationOutcome);
}

describe('unknown parameters', () => {
  it('are ignored and reported in an outcome entry by default', async () => {
    const bundle = await search(t, 'Patient?foo=bar&gender=male');
    expect(bundle.entry?.filter((e) => e.search?.mode === 'match').map((e) => e.resource?.id)).toEqual([id.b]);
    expect(issueText(outcomeOf(bundle))).toContain('foo');
    const unsupported = await search(t, 'Patient?_contained=true&gender=male');
    expect(issueText(outcomeOf(unsupported))).toContain('_contained');
    const sort = await search(t, 'Patient?_sort=shoe-size');
    expect(issueText(outcomeOf(sort))).toContain('shoe-size');
  });

  it('are an error under Prefer: handling=strict', async () => {
    expect(await bad('Patient?foo=bar', { Prefer: 'handling=strict' })).toContain('foo');
    expect(await bad('Patient?_contained=true', { Prefer: 'handling=strict' })).toContain('_contained');
    const lenient = await search(t, 'Patient?foo=bar', { Prefer: 'handling=lenient' });
    expect(outcomeOf(lenient)).toBeDefined();
  });

  it('inside a chain or _has make the whole criterion unknown rather than matching every reference', async () => {
    const chained = await search(t, 'Observation?subject:Patient.shoe-size=42');
    expect(issueText(outcomeOf(chained))).toContain('shoe-size');
    expect(chained.entry?.filter((e) => e.search?.mode === 'match').map((e) => e.resource?.id).sort()).toEqual(sorted(id.obs, id.obsNoSubject));
    const has = await search(t, `Patient?_has:Observation:subject:shoe-size=42&_id=${id.a},${id.b}`);
    expect(issueText(outcomeOf(has))).toContain('shoe-size');
    expect(has.entry?.filter((e) => e.search?.mode === 'match').map((e) => e.resource?.id).sort()).toEqual(sorted(id.a, id.b));
    expect(await bad('Observation?subject:Patient.shoe-size=42', { Prefer: 'handling=strict' })).toContain('shoe-size');
    expect(await bad('Patient?_has:Observation:subject:shoe-size=42', { Prefer: 'handling=strict' })).toContain('shoe-size');
  });
});

describe('malformed values are 400 naming the parameter', () => {
  it.each([
    ['Patient?birthdate=1980-13-01', 'birthdate'],
    ['Patient?birthdate=1980-02-30', 'birthdate'],
    ['Patient?birthdate=yesterday', 'birthdate'],
    ['Patient?birthdate=xx1980', 'birthdate'],
    ['Patient?birthdate=gt', 'birthdate'],
    ['RiskAssessment?probability=abc', 'probability'],
    ['RiskAssessment?probability=1.2.3', 'probability'],
    ['RiskAssessment?probability=zz0.5', 'probability'],
    ['Observation?value-quantity=5|mg', 'value-quantity'],
    ['Observation?value-quantity=five', 'value-quantity'],
    ['Observation?component-code-value-quantity=8480-6', 'component-code-value-quantity'],
    ['Patient?_count=abc', '_count'],
    ['Patient?_count=-1', '_count'],
    ['Patient?_total=maybe', '_total'],
    ['Patient?_summary=some', '_summary'],
    ['Patient?gender:missing=perhaps', 'gender'],
    ['Patient?_include=Patient', '_include'],
  ])('%s', async (path, param) => {
    expect(await bad(path)).toContain(param);
  });
});

describe('unsupported modifiers are 400, never "match everything"', () => {
  it.each([
    ['Patient?name:below=al', 'name'],
    ['Patient?gender:exact=male', 'gender'],
    ['Patient?gender:contains=mal', 'gender'],
    ['Patient?birthdate:exact=1980', 'birthdate'],
    ['Patient?name:foo=alpha', 'name'],
    ['Patient?name:$regex=.*', 'name'],
    ['Patient?_id:contains=a', '_id'],
    ['Observation?subject:Spaceship=1', 'subject'],
    ['Patient?gender.name=x', 'gender'],
  ])('%s', async (path, param) => {
    expect(await bad(path)).toContain(param);
  });
});

describe('values are literals, never operators or regular expressions', () => {
  it.each([
    ['Patient?name=', '{"$gt":""}'],
    ['Patient?name:exact=', '{"$gt":""}'],
    ['Patient?name:contains=', '.*'],
    ['Patient?name:contains=', '^.+$'],
    ['Patient?name=', '$where'],
    ['Patient?_id=', '{"$ne":null}'],
    ['Patient?identifier=', '{"$gt":""}'],
    ['Patient?identifier=', '{"$ne":"x"}|{"$ne":"x"}'],
    ['Patient?gender=', '{"$in":["male","female"]}'],
    ['Observation?subject=', '{"$gt":""}'],
    ['Observation?subject:identifier=', '{"$exists":true}'],
    ['ValueSet?url:below=', '{"$gt":""}'],
  ])('%s%s matches nothing', async (prefix, value) => {
    expect(await ids(t, `${prefix}${q(value)}`)).toEqual([]);
  });

  it('bracketed operator keys are unknown parameter names, not operators', async () => {
    const bundle = await search(t, `Patient?${q('name[$ne]')}=zzz&gender=female`);
    expect(bundle.entry?.filter((e) => e.search?.mode === 'match').map((e) => e.resource?.id)).toEqual([id.a]);
    expect(issueText(outcomeOf(bundle))).toContain('name[$ne]');
  });

  it('matches a value containing metacharacters literally', async () => {
    const odd = await create<Patient>(t, { resourceType: 'Patient', name: [{ family: 'a.b*c(d)[e]$f' }] });
    expect(await ids(t, `Patient?family:contains=${q('b*c(d)[e]$')}`)).toEqual([odd.id]);
    expect(await ids(t, `Patient?family=${q('a.b*')}`)).toEqual([odd.id]);
    expect(await ids(t, `Patient?family=${q('a.c')}`)).toEqual([]);
    expect(await ids(t, `Patient?family:exact=${q('a.b*c(d)[e]$f')}`)).toEqual([odd.id]);
    expect(await ids(t, `Patient?_id=${id.a},${id.b}`)).toEqual(sorted(id.a, id.b));
  });
});

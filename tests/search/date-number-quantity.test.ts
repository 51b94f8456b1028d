/**
 * date, number and quantity parameters with their prefixes (FHIR R4 search.html#prefix, #date, #number,
 * #quantity). The hub runs on a controlled clock so that `ap` and `_lastUpdated` have fixed expectations.
 */
import type { Encounter, Observation, Patient, RiskAssessment } from '@medplum/fhirtypes';
import type { TestHub } from '../helpers/hub';
import { startTestHub } from '../helpers/hub';
import { create, ids, sorted } from './helpers';

let clock = Date.parse('2024-01-01T00:00:00Z');
let t: TestHub;
const p: Record<string, string> = {};
const enc: Record<string, string> = {};
const obs: Record<string, string> = {};
const ra: Record<string, string> = {};

const UCUM = 'http://unitsofmeasure.org';

function at(iso: string): void {
  clock = Date.parse(iso);
}

beforeAll(async () => {
  t = await startTestHub({}, { now: () => new Date(clock) });
  const births: Record<string, string> = {
    d19800102: '1980-01-02',
    d19801231: '1980-12-31',
    d19791231: '1979-12-31',
    d19810101: '1981-01-01',
    y1980: '1980',
    m198001: '1980-01',
    d20230120: '2023-01-20',
    d20230601: '2023-06-01',
  };
  at('2024-01-01T00:00:00Z');
  for (const [key, birthDate] of Object.entries(births)) {
    p[key] = (await create<Patient>(t, { resourceType: 'Patient', birthDate })).id;
  }
  enc.closed = (await create<Encounter>(t, { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, period: { start: '2024-01-10T08:00:00Z', end: '2024-01-12T17:00:00Z' } })).id;
  enc.open = (await create<Encounter>(t, { resourceType: 'Encounter', status: 'in-progress', class: { code: 'IMP' }, period: { start: '2024-02-01' } })).id;

  const quantity = (key: string, value: number, q: Record<string, string>, effective?: string): Promise<void> =>
    create<Observation>(t, {
      resourceType: 'Observation',
      status: 'final',
      code: { text: key },
      valueQuantity: { value, ...q },
      ...(effective ? { effectiveDateTime: effective } : {}),
    }).then((o) => {
      obs[key] = o.id;
    });
  at('2024-03-01T00:00:00Z');
  await quantity('v540', 5.4, { system: UCUM, code: 'mg', unit: 'mg' }, '2024-03-05T10:20:30Z');
  at('2024-03-02T00:00:00Z');
  await quantity('v544', 5.44, { system: UCUM, code: 'mg', unit: 'mg' }, '2024-03-05T10:20:31.500Z');
  at('2024-03-03T00:00:00Z');
  await quantity('v546', 5.46, { system: UCUM, code: 'mg', unit: 'mg' });
  await quantity('v540mmol', 5.4, { system: UCUM, code: 'mmol/L', unit: 'mmol/L' });
  await quantity('v7unitOnly', 7, { unit: 'mg' });

  const risk = async (key: string, probabilityDecimal: number): Promise<void> => {
    ra[key] = (await create<RiskAssessment>(t, { resourceType: 'RiskAssessment', status: 'final', subject: { reference: `Patient/${p.y1980}` }, prediction: [{ probabilityDecimal }] })).id;
  };
  await risk('r40', 0.4);
  await risk('r45', 0.45);
  await risk('r80', 0.8);
  at('2024-06-01T00:00:00Z');
});
afterAll(async () => {
  await t.close();
});

const P = (...keys: string[]): string[] => sorted(...keys.map((k) => p[k]));

describe('date precision and prefixes on birthdate', () => {
  it('eq: the search range contains the value range', async () => {
    expect(await ids(t, 'Patient?birthdate=1980')).toEqual(P('d19800102', 'd19801231', 'y1980', 'm198001'));
    expect(await ids(t, 'Patient?birthdate=eq1980')).toEqual(P('d19800102', 'd19801231', 'y1980', 'm198001'));
    expect(await ids(t, 'Patient?birthdate=1980-01')).toEqual(P('d19800102', 'm198001'));
    expect(await ids(t, 'Patient?birthdate=1980-01-02')).toEqual(P('d19800102'));
    expect(await ids(t, 'Patient?birthdate=1980-01-01')).toEqual([]);
  });

  it('ne: the value range is not inside the search range', async () => {
    expect(await ids(t, 'Patient?birthdate=ne1980')).toEqual(P('d19791231', 'd19810101', 'd20230120', 'd20230601'));
  });

  it('gt and sa differ for a value that overlaps the boundary', async () => {
    expect(await ids(t, 'Patient?birthdate=gt1980&birthdate=lt2000')).toEqual(P('d19810101'));
    expect(await ids(t, 'Patient?birthdate=gt1980-06&birthdate=lt2000')).toEqual(P('d19801231', 'd19810101', 'y1980'));
    expect(await ids(t, 'Patient?birthdate=sa1980-06&birthdate=lt2000')).toEqual(P('d19801231', 'd19810101'));
  });

  it('lt and eb differ for a value that overlaps the boundary', async () => {
    expect(await ids(t, 'Patient?birthdate=lt1980-06')).toEqual(P('d19791231', 'd19800102', 'y1980', 'm198001'));
    expect(await ids(t, 'Patient?birthdate=eb1980-06')).toEqual(P('d19791231', 'd19800102', 'm198001'));
  });

  it('ge and le include values inside the search range', async () => {
    expect(await ids(t, 'Patient?birthdate=ge1980-12-31&birthdate=lt2000')).toEqual(P('d19801231', 'd19810101'));
    expect(await ids(t, 'Patient?birthdate=le1980-01-01')).toEqual(P('d19791231'));
    // the range below 1980-01-02 overlaps the year 1980 and the month 1980-01
    expect(await ids(t, 'Patient?birthdate=le1980-01-02')).toEqual(P('d19791231', 'd19800102', 'y1980', 'm198001'));
  });

  it('ap widens by 10% of the distance from now', async () => {
    // now = 2024-06-01: 2023-01-01 is ~1.4 years away, so ±~52 days
    expect(await ids(t, 'Patient?birthdate=ap2023-01-01')).toEqual(P('d20230120'));
    expect(await ids(t, 'Patient?birthdate=ap2023-05-20')).toEqual(P('d20230601'));
  });
});

describe('dateTime with seconds and time zones', () => {
  it('matches at second precision and at coarser precision', async () => {
    expect(await ids(t, 'Observation?date=2024-03-05T10:20:30Z')).toEqual([obs.v540]);
    expect(await ids(t, `Observation?date=${encodeURIComponent('2024-03-05T18:20:30+08:00')}`)).toEqual([obs.v540]);
    expect(await ids(t, 'Observation?date=2024-03-05T10:20:31Z')).toEqual([obs.v544]);
    expect(await ids(t, 'Observation?date=2024-03-05T10:20Z')).toEqual(sorted(obs.v540, obs.v544));
    expect(await ids(t, 'Observation?date=2024-03-05')).toEqual(sorted(obs.v540, obs.v544));
    expect(await ids(t, 'Observation?date=gt2024-03-05T10:20:30Z')).toEqual([obs.v544]);
    expect(await ids(t, 'Observation?date=2024-03-04')).toEqual([]);
  });
});

describe('Period-valued dates (Encounter.date)', () => {
  it('compares the period as a range, open ends unbounded', async () => {
    expect(await ids(t, 'Encounter?date=2024-01')).toEqual([enc.closed]);
    expect(await ids(t, 'Encounter?date=2024-01-11')).toEqual([]);
    expect(await ids(t, 'Encounter?date=2024')).toEqual([enc.closed]);
    expect(await ids(t, 'Encounter?date=ge2024-01-11')).toEqual(sorted(enc.closed, enc.open));
    expect(await ids(t, 'Encounter?date=gt2030')).toEqual([enc.open]);
    expect(await ids(t, 'Encounter?date=lt2024-01-11')).toEqual([enc.closed]);
    expect(await ids(t, 'Encounter?date=sa2024-01-11')).toEqual([enc.open]);
    expect(await ids(t, 'Encounter?date=eb2024-01-11')).toEqual([]);
    expect(await ids(t, 'Encounter?date=eb2024-01-13')).toEqual([enc.closed]);
    expect(await ids(t, 'Encounter?date=le2024-01-09')).toEqual([]);
  });
});

describe('_lastUpdated', () => {
  it('compares meta.lastUpdated at the precision given', async () => {
    expect(await ids(t, 'Observation?_lastUpdated=2024-03-01')).toEqual([obs.v540]);
    expect(await ids(t, 'Observation?_lastUpdated=gt2024-03-01')).toEqual(sorted(obs.v544, obs.v546, obs.v540mmol, obs.v7unitOnly));
    expect(await ids(t, 'Observation?_lastUpdated=lt2024-03-03')).toEqual(sorted(obs.v540, obs.v544));
    expect(await ids(t, 'Observation?_lastUpdated=ge2024-03-02&_lastUpdated=le2024-03-02')).toEqual([obs.v544]);
    expect(await ids(t, 'Observation?_lastUpdated=2024-03-03T00:00:00Z')).toEqual(sorted(obs.v546, obs.v540mmol, obs.v7unitOnly));
    expect(await ids(t, 'Patient?_lastUpdated=sa2024-01-01')).toEqual([]);
  });
});

describe('number (RiskAssessment.probability)', () => {
  it('eq uses the precision of the search value', async () => {
    expect(await ids(t, 'RiskAssessment?probability=0.4')).toEqual([ra.r40]);
    expect(await ids(t, 'RiskAssessment?probability=0.45')).toEqual([ra.r45]);
    expect(await ids(t, 'RiskAssessment?probability=0.400')).toEqual([ra.r40]);
    expect(await ids(t, 'RiskAssessment?probability=0.5')).toEqual([ra.r45]);
    expect(await ids(t, 'RiskAssessment?probability=1')).toEqual(sorted(ra.r80));
  });

  it('compares with gt ge lt le ne ap', async () => {
    expect(await ids(t, 'RiskAssessment?probability=gt0.4')).toEqual(sorted(ra.r45, ra.r80));
    expect(await ids(t, 'RiskAssessment?probability=ge0.45')).toEqual(sorted(ra.r45, ra.r80));
    expect(await ids(t, 'RiskAssessment?probability=lt0.45')).toEqual([ra.r40]);
    expect(await ids(t, 'RiskAssessment?probability=le0.45')).toEqual(sorted(ra.r40, ra.r45));
    expect(await ids(t, 'RiskAssessment?probability=ne0.4')).toEqual(sorted(ra.r45, ra.r80));
    expect(await ids(t, 'RiskAssessment?probability=ap0.8')).toEqual([ra.r80]);
    expect(await ids(t, 'RiskAssessment?probability=0.4,0.8')).toEqual(sorted(ra.r40, ra.r80));
  });
});

describe('quantity (Observation value-quantity)', () => {
  it('a bare number compares with the precision given, any unit', async () => {
    expect(await ids(t, 'Observation?value-quantity=5.4')).toEqual(sorted(obs.v540, obs.v544, obs.v540mmol));
    expect(await ids(t, 'Observation?value-quantity=5.40')).toEqual(sorted(obs.v540, obs.v540mmol));
  });

  it('system|code and ||code select the unit', async () => {
    expect(await ids(t, `Observation?value-quantity=${encodeURIComponent(`5.4|${UCUM}|mg`)}`)).toEqual(sorted(obs.v540, obs.v544));
    expect(await ids(t, `Observation?value-quantity=${encodeURIComponent('5.4||mg')}`)).toEqual(sorted(obs.v540, obs.v544));
    expect(await ids(t, `Observation?value-quantity=${encodeURIComponent('5.4||mmol/L')}`)).toEqual([obs.v540mmol]);
    expect(await ids(t, `Observation?value-quantity=${encodeURIComponent('5.4|http://other.example|mg')}`)).toEqual([]);
    expect(await ids(t, `Observation?value-quantity=${encodeURIComponent('7||mg')}`)).toEqual([obs.v7unitOnly]);
  });

  it('prefixes apply to the value', async () => {
    expect(await ids(t, `Observation?value-quantity=${encodeURIComponent(`gt5.44|${UCUM}|mg`)}`)).toEqual([obs.v546]);
    expect(await ids(t, `Observation?value-quantity=${encodeURIComponent(`ge5.44|${UCUM}|mg`)}`)).toEqual(sorted(obs.v544, obs.v546));
    expect(await ids(t, 'Observation?value-quantity=lt5.4')).toEqual([]);
    expect(await ids(t, 'Observation?value-quantity=le5.4')).toEqual(sorted(obs.v540, obs.v540mmol));
    expect(await ids(t, `Observation?value-quantity=${encodeURIComponent('ne5.4||mg')}`)).toEqual(sorted(obs.v546, obs.v540mmol, obs.v7unitOnly));
  });
});

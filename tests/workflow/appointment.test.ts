/**
 * Booking the receiving service's Slots with Appointments (docs/referral.md#appointments), through HTTP with
 * real tokens: a booking makes the Slot busy, a second booking of a busy Slot is refused (also when they race),
 * cancelling frees it, and only the organization providing the service books its Slots.
 */
import type { Appointment, Resource } from '@medplum/fhirtypes';
import type { TestHub } from '../helpers/hub';
import { startTestHub } from '../helpers/hub';
import type { Community } from './referral-fixture';
import { as, diagnosticsOf, ORG, ruleOf, setUp } from './referral-fixture';

let t: TestHub;
let c: Community;

const slot = (id: string, hour: number): Resource => ({
  resourceType: 'Slot',
  id,
  schedule: { reference: 'Schedule/sch-cardiology' },
  status: 'free',
  start: `2026-12-01T${String(hour).padStart(2, '0')}:00:00Z`,
  end: `2026-12-01T${String(hour).padStart(2, '0')}:30:00Z`,
});

beforeAll(async () => {
  t = await startTestHub({ auth: true });
  // The hospital has accepted a referral of p1 (imported by an administrator), so it sees her record.
  const accepted: Resource = {
    resourceType: 'Task',
    id: 'task-accepted',
    status: 'accepted',
    intent: 'order',
    for: { reference: 'Patient/p1' },
    requester: { reference: ORG.clinicA },
    owner: { reference: ORG.hospital },
  };
  c = await setUp(t, [accepted]);
  const directory = [
    { resourceType: 'Schedule', id: 'sch-cardiology', active: true, actor: [{ reference: 'HealthcareService/hs-cardiology' }] } as Resource,
    ...['a', 'b', 'c', 'd'].map((x, i) => slot(`slot-${x}`, 1 + i)),
  ];
  for (const r of directory) expect((await as(c, 'hospital').put(`/fhir/${r.resourceType}/${r.id ?? ''}`, r)).status).toBe(201);
});
afterAll(async () => t.close());

const appointment = (slotId: string, status: Appointment['status'] = 'booked'): Appointment => ({
  resourceType: 'Appointment',
  status,
  slot: [{ reference: `Slot/${slotId}` }],
  start: '2026-12-01T01:00:00Z',
  end: '2026-12-01T01:30:00Z',
  participant: [{ actor: { reference: 'Patient/p1' }, status: 'accepted' }],
});
const slotStatus = async (id: string): Promise<string> => (await as(c, 'hospital').get(`/fhir/Slot/${id}`)).body.status as string;
const bookings = async (id: string): Promise<number> => (await as(c, 'admin').get(`/fhir/Appointment?slot=Slot/${id}&_summary=count`)).body.total as number;

describe('booking a Slot', () => {
  it('the hospital books a Slot the hub itself published (as in the demo region): its service is the hospital\'s', async () => {
    const published = slot('slot-admin', 9);
    expect((await as(c, 'admin').put('/fhir/Slot/slot-admin', published)).status).toBe(201);
    const booked = await as(c, 'hospital').post('/fhir/Appointment', appointment('slot-admin'));
    expect(booked.status).toBe(201);
    expect(await slotStatus('slot-admin')).toBe('busy');
    const clinic = await as(c, 'clinicB').put('/fhir/Slot/slot-admin', { ...published, status: 'free' });
    expect(clinic.status).toBe(403);
  });

  it('an Appointment that takes a free Slot makes it busy; a second booking is refused with 409 and not stored', async () => {
    const first = await as(c, 'hospital').post('/fhir/Appointment', appointment('slot-a'));
    expect(first.status).toBe(201);
    expect(await slotStatus('slot-a')).toBe('busy');
    const second = await as(c, 'hospital').post('/fhir/Appointment', appointment('slot-a', 'pending'));
    expect(second.status).toBe(409);
    expect(ruleOf(second.body)).toBe('slot-taken');
    expect(diagnosticsOf(second.body)).toContain('Slot/slot-a is busy, not free');
    expect(await bookings('slot-a')).toBe(1);
  });

  it('concurrent bookings of one Slot: exactly one succeeds, the others get 409', async () => {
    const answers = await Promise.all([1, 2, 3, 4].map(() => as(c, 'hospital').post('/fhir/Appointment', appointment('slot-b'))));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    for (const r of answers.filter((a) => a.status === 409)) expect(ruleOf(r.body)).toBe('slot-taken');
    expect(await bookings('slot-b')).toBe(1);
    expect(await slotStatus('slot-b')).toBe('busy');
  });

  it('cancelling the Appointment frees the Slot, which can then be booked again', async () => {
    const booked = await as(c, 'hospital').post('/fhir/Appointment', appointment('slot-c'));
    expect(await slotStatus('slot-c')).toBe('busy');
    const cancelled = await as(c, 'hospital').jsonPatch(`/fhir/Appointment/${booked.body.id as string}`, [{ op: 'replace', path: '/status', value: 'cancelled' }]);
    expect(cancelled.status).toBe(200);
    expect(await slotStatus('slot-c')).toBe('free');
    expect((await as(c, 'hospital').post('/fhir/Appointment', appointment('slot-c'))).status).toBe(201);
    expect(await slotStatus('slot-c')).toBe('busy');
  });

  it('a Slot held by an Appointment is not set free directly', async () => {
    const current = (await as(c, 'hospital').get('/fhir/Slot/slot-a')).body;
    const res = await as(c, 'hospital').put('/fhir/Slot/slot-a', { ...current, status: 'free' });
    expect([res.status, ruleOf(res.body)]).toEqual([409, 'slot-in-use']);
    expect(await slotStatus('slot-a')).toBe('busy');
  });

  it("only the organization providing the Slot's service books it", async () => {
    const res = await as(c, 'clinicA').post('/fhir/Appointment', appointment('slot-d'));
    expect([res.status, ruleOf(res.body)]).toEqual([403, 'slot-booking-actor']);
    expect(diagnosticsOf(res.body)).toContain(`Slot/slot-d belongs to a service of ${ORG.hospital}`);
    expect(await slotStatus('slot-d')).toBe('free');
  });

  it('an unknown Slot is refused with 422', async () => {
    const res = await as(c, 'hospital').post('/fhir/Appointment', appointment('slot-never'));
    expect(res.status).toBe(422);
  });
});

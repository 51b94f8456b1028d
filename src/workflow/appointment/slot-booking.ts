/**
 * Booking Slots with Appointments (docs/referral.md#appointments). An Appointment that takes a Slot
 * (Appointment.slot, with a status that holds it) makes the Slot busy; one that lets it go (cancelled, noshow,
 * entered-in-error, deleted, or the Slot taken out of Appointment.slot) makes it free again. The rule writes the
 * Slot itself, in the same transaction, under the caller's context — so the access checkpoint applies to it.
 *
 * - slot-taken (409): the Slot is not free (busy, busy-unavailable, busy-tentative or entered-in-error), also
 *   when another booking of the same Slot committed first.
 * - slot-unknown (422): Appointment.slot names a Slot the hub does not have.
 * - slot-booking-actor (403): only the organization that provides the Slot's service (its Schedule's actor)
 *   books its Slots.
 * - slot-in-use (409): a Slot held by an Appointment is not set free or deleted directly; cancel the Appointment.
 */
import type { Appointment, Schedule, Slot } from '@medplum/fhirtypes';
import { isAdministrator } from '../../context';
import { FhirError, refuse } from '../../fhir/outcomes';
import type { CurrentDoc } from '../../repository/documents';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { load, organizationFor, target } from '../referral/model';

/** Appointment states that hold their Slots. */
export const HOLDS_SLOT: ReadonlySet<Appointment['status']> = new Set(['pending', 'booked', 'arrived', 'checked-in', 'fulfilled']);

export const SLOT_RULES = {
  'slot-taken': 'The Slot is not free',
  'slot-unknown': 'The Appointment names a Slot the hub does not have',
  'slot-booking-actor': "Only the organization providing the Slot's service books it",
  'slot-in-use': 'The Slot is held by an Appointment',
} as const;

const slotTaken = (slot: string, status: string) =>
  refuse(409, 'conflict', 'slot-taken', SLOT_RULES['slot-taken'], `${slot} is ${status}, not free; choose another free Slot of the schedule (GET Slot?schedule=…&status=free)`);

function heldSlots(writer: RepoWriter, appointment: Appointment | undefined): string[] {
  if (!appointment || !HOLDS_SLOT.has(appointment.status)) return [];
  return (appointment.slot ?? []).map((s) => target(writer, s)).filter((s): s is string => s?.startsWith('Slot/') === true);
}

async function slotDoc(writer: RepoWriter, slot: string): Promise<CurrentDoc | undefined> {
  const doc = (await writer.transaction.get('Slot', slot.slice('Slot/'.length))) as CurrentDoc | undefined;
  return doc && doc.deleted !== true && doc.res ? doc : undefined;
}

/** The organization that provides the Slot's service: the first actor of its Schedule that stands for one. */
export async function slotOrganization(writer: RepoWriter, slot: Slot): Promise<string | undefined> {
  const schedule = await load<Schedule>(writer, target(writer, slot.schedule), 'Schedule');
  for (const actor of schedule?.actor ?? []) {
    const org = await organizationFor(writer, actor);
    if (org) return org;
  }
  return undefined;
}

/** Appointments other than `except` that hold the Slot now (in this transaction). */
async function holders(writer: RepoWriter, slot: string, except?: string): Promise<string[]> {
  const out: string[] = [];
  for await (const doc of writer.transaction.find('Appointment', { 'idx.slot.r': slot, deleted: { $ne: true } })) {
    const appointment = (doc as CurrentDoc).res as Appointment | undefined;
    if (appointment && appointment.id !== except && heldSlots(writer, appointment).includes(slot)) out.push(`Appointment/${appointment.id ?? ''}`);
  }
  return out;
}

async function book(writer: RepoWriter, slot: string): Promise<void> {
  const doc = await slotDoc(writer, slot);
  if (!doc) throw refuse(422, 'business-rule', 'slot-unknown', SLOT_RULES['slot-unknown'], `${slot} is not known; book a Slot the hub has (GET Slot?status=free)`);
  const current = doc.res as Slot;
  if (current.status !== 'free') throw slotTaken(slot, current.status);
  const who = writer.ctx.identity;
  if (!isAdministrator(who)) {
    const provider = await slotOrganization(writer, current);
    if (provider && provider !== who.organization) {
      throw refuse(403, 'forbidden', 'slot-booking-actor', SLOT_RULES['slot-booking-actor'], `${slot} belongs to a service of ${provider}; the caller acts for ${who.organization ?? 'no organization'}; ask ${provider} to book it`);
    }
  }
  try {
    await writer.put({ ...current, status: 'busy' }, { method: 'PUT', expectVid: doc.vid });
  } catch (error) {
    if (error instanceof FhirError && error.status === 412) throw slotTaken(slot, 'being booked by someone else');
    throw error;
  }
}

async function release(writer: RepoWriter, slot: string, appointment: string): Promise<void> {
  const doc = await slotDoc(writer, slot);
  const current = doc?.res as Slot | undefined;
  if (!doc || current?.status !== 'busy') return;
  if ((await holders(writer, slot, appointment)).length > 0) return;
  await writer.put({ ...current, status: 'free' }, { method: 'PUT', expectVid: doc.vid });
}

export const slotBookingRule: DomainRule = {
  name: 'slot-taken',
  resourceTypes: ['Appointment'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const before = heldSlots(writer, change.previous as Appointment | undefined);
    const after = heldSlots(writer, change.resource as Appointment | undefined);
    for (const slot of after) if (!before.includes(slot)) await book(writer, slot);
    for (const slot of before) if (!after.includes(slot)) await release(writer, slot, change.id);
  },
};

export const slotInUseRule: DomainRule = {
  name: 'slot-in-use',
  resourceTypes: ['Slot'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const before = change.previous as Slot | undefined;
    const after = change.resource as Slot | undefined;
    if (!before || before.status === 'free' || (after && after.status !== 'free')) return;
    const held = await holders(writer, `Slot/${change.id}`);
    if (held.length === 0) return;
    throw refuse(409, 'conflict', 'slot-in-use', SLOT_RULES['slot-in-use'], `Slot/${change.id} is held by ${held.join(', ')}; cancel the Appointment (status cancelled) and the hub frees the Slot`);
  },
};

/**
 * Tiered-care routing (docs/referral.md#routing). Rules as data in routing-rules.json.
 *
 * - A referral ServiceRequest sent up (or an e-consult) without performer gets the best active HealthcareService
 *   of a higher-tier organization for its ICD-10 reason: the service's own eligibility first, then the routes of
 *   the rules file; for urgent priorities a service with a free Slot before the time limit first. A down referral
 *   without performer goes to the patient's managing organization. The choice and why is added to
 *   ServiceRequest.note.
 * - A referral Task sent without owner gets the organization of its ServiceRequest's performer, noted in Task.note.
 * - referral-routing (422): no suitable service, or a referral Task sent with no owner the hub can find.
 */
import type { Annotation, HealthcareService, Organization, Patient, Reference, Resource, ServiceRequest, Slot, Task } from '@medplum/fhirtypes';
import { FhirError, refuse } from '../../fhir/outcomes';
import type { CurrentDoc } from '../../repository/documents';
import type { RepoWriter, WriteChange, WriteTransform } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { isSubmission, referralTaskChange } from './changes';
import { covers, eligibilityMatch, icd10Codes, referralReasons } from './icd10';
import type { Direction, Priority } from './model';
import { directionOf, load, organizationFor, priorityOf, referralOf, target, trusted } from './model';
import RULES_JSON from './routing-rules.json';
import type { TimeLimits } from './time-limits';
import { DEFAULT_TIME_LIMITS, dueAt } from './time-limits';

export interface Route {
  readonly name: string;
  readonly icd10: readonly string[];
  readonly specialties: readonly string[];
}

export interface RoutingRules {
  readonly tiers: Readonly<Record<string, number>>;
  readonly routes: readonly Route[];
  readonly urgentPriorities: readonly Priority[];
}

export const ROUTING_RULES: RoutingRules = RULES_JSON as RoutingRules;

const ROUTING_AUTHOR = 'Health Community Hub (referral routing)';
const ROUTING_TITLE = 'The hub could not route this referral';

const routingRefused = (diagnostics: string) => refuse(422, 'business-rule', 'referral-routing', ROUTING_TITLE, diagnostics);

/** The care tier of an organization: the highest tier of its Organization.type codes (0 when none is known). */
export function tierOf(organization: Organization | undefined, rules: RoutingRules = ROUTING_RULES): number {
  const codes = (organization?.type ?? []).flatMap((t) => (t.coding ?? []).map((c) => c.code ?? ''));
  return Math.max(0, ...codes.map((c) => rules.tiers[c] ?? 0));
}

interface Candidate {
  readonly service: HealthcareService;
  readonly organization: string;
  /** 2: the service accepts the reason itself; 1: its category; 0: only by the route's specialty. */
  readonly eligibility: number;
  /** Position of the service's specialty in the route (lower is better; routes.length when none). */
  readonly rank: number;
  readonly why: string;
  freeSlot?: Slot;
}

function routeFor(reasons: readonly string[], rules: RoutingRules): { route: Route; reason: string } | undefined {
  for (const route of rules.routes) for (const reason of reasons) if (route.icd10.some((p) => covers(p, reason))) return { route, reason };
  return undefined;
}

function specialtiesOf(service: HealthcareService): string[] {
  return (service.specialty ?? []).flatMap((s) => (s.coding ?? []).map((c) => c.code ?? ''));
}

async function candidates(writer: RepoWriter, reasons: readonly string[], minTier: number, rules: RoutingRules): Promise<Candidate[]> {
  const matched = routeFor(reasons, rules);
  const tiers = new Map<string, number>();
  const out: Candidate[] = [];
  for await (const doc of writer.transaction.find('HealthcareService', { deleted: { $ne: true } })) {
    const service = (doc as CurrentDoc).res as HealthcareService | undefined;
    if (!service || service.active === false) continue;
    const organization = target(writer, service.providedBy);
    if (!organization) continue;
    if (!tiers.has(organization)) tiers.set(organization, tierOf(await load<Organization>(writer, organization, 'Organization'), rules));
    if ((tiers.get(organization) ?? 0) <= minTier) continue;
    let eligibility = 0;
    let accepted = '';
    for (const code of icd10Codes((service.eligibility ?? []).map((e) => e.code))) {
      for (const reason of reasons) {
        const m = eligibilityMatch(code, reason);
        if (m > eligibility) [eligibility, accepted] = [m, code];
      }
    }
    const specialties = specialtiesOf(service);
    const rank = matched ? Math.min(...specialties.map((s) => matched.route.specialties.indexOf(s)).filter((i) => i >= 0), matched.route.specialties.length) : 0;
    const byRoute = matched !== undefined && rank < matched.route.specialties.length;
    if (eligibility === 0 && !byRoute) continue;
    const reasonsText = [
      eligibility === 2 ? `it accepts ${accepted} (HealthcareService.eligibility)` : eligibility === 1 ? `it accepts ${accepted}, of the same ICD-10 category` : '',
      byRoute && matched ? `route '${matched.route.name}' (${matched.route.icd10.join(', ')} → specialty ${matched.route.specialties.join(', ')}) covers ${matched.reason}` : '',
    ].filter(Boolean);
    out.push({ service, organization, eligibility, rank: byRoute ? rank : rules.routes.length, why: reasonsText.join('; ') });
  }
  return out;
}

async function freeSlotBefore(writer: RepoWriter, service: string, from: Date, until: Date): Promise<Slot | undefined> {
  const schedules: string[] = [];
  for await (const doc of writer.transaction.find('Schedule', { 'idx.actor.r': service, deleted: { $ne: true } })) schedules.push(`Schedule/${String(doc._id)}`);
  if (schedules.length === 0) return undefined;
  let best: Slot | undefined;
  for await (const doc of writer.transaction.find('Slot', { 'idx.schedule.r': { $in: schedules }, 'res.status': 'free', deleted: { $ne: true } })) {
    const slot = (doc as CurrentDoc).res as Slot;
    const start = Date.parse(slot.start);
    if (start >= from.getTime() && start <= until.getTime() && (!best || start < Date.parse(best.start))) best = slot;
  }
  return best;
}

/** The best service for a referral going up (or an e-consult), or a refusal saying why there is none. */
export async function chooseService(
  writer: RepoWriter,
  request: ServiceRequest,
  limits: TimeLimits,
  rules: RoutingRules = ROUTING_RULES,
): Promise<{ service: HealthcareService; organization: string; why: string }> {
  const reasons = await referralReasons(writer, request);
  if (reasons.length === 0) throw routingRefused('the referral names no performer and no ICD-10 reason (reasonCode, or a Condition in reasonReference) to route it by; name the receiving service in ServiceRequest.performer or give the reason');
  const sender = (await organizationFor(writer, request.requester)) ?? writer.ctx.identity.organization;
  const senderTier = tierOf(await load<Organization>(writer, sender, 'Organization'), rules);
  const list = await candidates(writer, reasons, senderTier, rules);
  if (list.length === 0) {
    throw routingRefused(
      `no active service of a higher-tier organization than ${sender ?? 'the sender'} (tier ${senderTier}) accepts ${reasons.join(', ')}: no HealthcareService.eligibility lists it and no route of the routing rules covers it; name the receiving service in ServiceRequest.performer`,
    );
  }
  const priority = priorityOf(undefined, request);
  const urgent = rules.urgentPriorities.includes(priority);
  if (urgent) {
    const now = writer.ctx.now();
    const due = dueAt(limits, priority, now);
    for (const c of list) c.freeSlot = await freeSlotBefore(writer, `HealthcareService/${c.service.id ?? ''}`, now, due);
  }
  list.sort(
    (a, b) =>
      (urgent ? Number(b.freeSlot !== undefined) - Number(a.freeSlot !== undefined) : 0) ||
      b.eligibility - a.eligibility ||
      a.rank - b.rank ||
      String(a.service.id).localeCompare(String(b.service.id)),
  );
  const best = list[0];
  const slot = urgent ? (best.freeSlot ? `; ${priority}: it has a free slot at ${best.freeSlot.start}, within the time limit` : `; ${priority}: no suitable service has a free slot within the time limit`) : '';
  return { service: best.service, organization: best.organization, why: `${best.why}${slot}` };
}

function note(writer: RepoWriter, text: string): Annotation {
  return { authorString: ROUTING_AUTHOR, time: writer.ctx.now().toISOString(), text };
}

async function routeDown(writer: RepoWriter, request: ServiceRequest): Promise<{ performer: Reference<Organization>; why: string }> {
  const patientRef = target(writer, request.subject);
  const patient = await load<Patient>(writer, patientRef, 'Patient');
  const clinic = target(writer, patient?.managingOrganization);
  if (!clinic) throw routingRefused(`the down referral names no performer and ${patientRef ?? 'its patient'} has no managing organization to send it to; name the receiving clinic in ServiceRequest.performer`);
  return { performer: { reference: clinic, display: patient?.managingOrganization?.display }, why: `the patient's managing organization (${patientRef}.managingOrganization)` };
}

/** Where a referral ServiceRequest without performer goes, and why; throws the referral-routing refusal when nowhere. */
async function route(writer: RepoWriter, request: ServiceRequest, direction: Direction, limits: TimeLimits, rules: RoutingRules) {
  if (direction === 'down') return routeDown(writer, request);
  const chosen = await chooseService(writer, request, limits, rules);
  const performer: Reference<HealthcareService> = { reference: `HealthcareService/${chosen.service.id ?? ''}`, display: chosen.service.name };
  return { performer, why: `${chosen.service.name ?? ''} of ${chosen.organization}: ${chosen.why}` };
}

/** A referral ServiceRequest that needs routing: sent (active), with a direction and no performer. */
function unrouted(resource: Resource): Direction | undefined {
  if (resource.resourceType !== 'ServiceRequest' || resource.status !== 'active' || (resource.performer ?? []).length > 0) return undefined;
  return directionOf(resource);
}

/**
 * Routes a referral ServiceRequest sent without performer. When nothing suits, it stores the request unchanged
 * and the referral-routing rule refuses the write before commit (so the refusal keeps its rule code in every
 * write path, transaction entries included).
 */
export function serviceRequestRouting(limits: TimeLimits, rules: RoutingRules = ROUTING_RULES): WriteTransform {
  return {
    name: 'referral-routing',
    async apply(writer, resource) {
      const direction = unrouted(resource);
      if (!direction || resource.resourceType !== 'ServiceRequest' || trusted(writer)) return resource;
      try {
        const { performer, why } = await route(writer, resource, direction, limits, rules);
        return { ...resource, performer: [performer], note: [...(resource.note ?? []), note(writer, `Routed by the hub to ${performer.reference ?? ''}: ${why}`)] };
      } catch (error) {
        if (error instanceof FhirError && error.status === 422) return resource;
        throw error;
      }
    },
  };
}

/** Gives a referral Task sent without owner the organization of its ServiceRequest's performer. */
export const taskOwnerRouting: WriteTransform = {
  name: 'referral-owner',
  async apply(writer, resource) {
    if (resource.resourceType !== 'Task' || trusted(writer) || resource.owner || resource.status === 'draft') return resource;
    const referral = await referralOf(writer, resource);
    const performer = referral?.request.performer?.[0];
    const owner = await organizationFor(writer, performer);
    if (!referral || !owner) return resource;
    const text = `Owner set by the hub: ${owner}, the organization of ${referral.reference}.performer (${performer?.reference ?? ''})`;
    return { ...resource, owner: { reference: owner }, note: [...(resource.note ?? []), note(writer, text)] } satisfies Task;
  },
};

/**
 * A referral is sent to someone: refused when its ServiceRequest has no performer, or its Task no owner, after
 * routing. (Whether any service suits does not depend on the time limits; they only rank the candidates.)
 */
export const referralRoutingRule: DomainRule = {
  name: 'referral-routing',
  resourceTypes: ['ServiceRequest', 'Task'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    if (change.resource?.resourceType === 'ServiceRequest') {
      const direction = unrouted(change.resource);
      if (!direction || trusted(writer)) return;
      await route(writer, change.resource, direction, DEFAULT_TIME_LIMITS, ROUTING_RULES);
      throw routingRefused(`${change.resourceType}/${change.id} is sent without performer; name the receiving service in ServiceRequest.performer`);
    }
    const c = await referralTaskChange(writer, change);
    if (!c || !isSubmission(c) || c.task.owner) return;
    throw routingRefused(
      c.request
        ? `Task/${c.task.id ?? ''} is sent without owner and ${c.request.reference} has no performer the hub can resolve to an organization; name Task.owner`
        : `Task/${c.task.id ?? ''} is sent without owner and without a referral ServiceRequest the hub knows (Task.focus); in a transaction, put the ServiceRequest entry before the Task entry, or name Task.owner`,
    );
  },
};

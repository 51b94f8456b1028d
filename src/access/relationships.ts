/**
 * The relationships that give an organization access to a patient's record (docs/security.md#roles), as data.
 * Each rule names a resource type that links organizations to its patients, when the link holds, and where
 * the organizations are. An organization reached through a PractitionerRole (its organization) or a
 * HealthcareService (providedBy) counts as that organization.
 *
 * Rules add access; a rule that stops holding (a referral rejected or cancelled before the receiver accepted
 * it, a transfer to another clinic) takes its access away again, unless another relationship still gives it.
 */
import type { Resource } from '@medplum/fhirtypes';

type Json = Record<string, unknown>;

export interface Relationship {
  /** A short name for docs and audit. */
  readonly name: string;
  readonly resourceType: string;
  /** Organization-valued references (or PractitionerRole / HealthcareService references) this rule follows. */
  references(resource: Json): readonly (string | undefined)[];
}

const ref = (value: unknown): string | undefined => {
  const r = (value as { reference?: unknown } | undefined)?.reference;
  return typeof r === 'string' ? r : undefined;
};
const refs = (value: unknown): (string | undefined)[] => (Array.isArray(value) ? value.map(ref) : [ref(value)]);

/** Task states in which the receiving organization (owner) has access: sent, and not refused or withdrawn. */
export const OWNER_HAS_ACCESS = new Set(['requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold', 'completed', 'failed']);

export const RELATIONSHIPS: readonly Relationship[] = [
  {
    name: 'managing organization',
    resourceType: 'Patient',
    references: (r) => [ref(r.managingOrganization)],
  },
  {
    name: 'general practitioner',
    resourceType: 'Patient',
    references: (r) => refs(r.generalPractitioner),
  },
  {
    name: 'requester of a referral or review task',
    resourceType: 'Task',
    references: (r) => (r.status === 'draft' || r.status === 'entered-in-error' ? [] : [ref(r.requester)]),
  },
  {
    name: 'owner of a referral or review task (from the time it is sent)',
    resourceType: 'Task',
    references: (r) => (OWNER_HAS_ACCESS.has(String(r.status)) ? [ref(r.owner)] : []),
  },
  {
    name: 'provider of an encounter',
    resourceType: 'Encounter',
    references: (r) => [ref(r.serviceProvider)],
  },
  {
    // A family-doctor contract (docs/chronic-care.md#contracts) holds while active. A contract is active only within
    // its period: written with a period already over it is stored `inactive` (src/workflow/chronic/contract.ts), and
    // the chronic-care daily job sets contracts whose period ended `inactive`, which takes the access away.
    name: 'family-doctor team (care team)',
    resourceType: 'CareTeam',
    references: (r) => (r.status === 'active' ? refs(r.managingOrganization) : []),
  },
  {
    name: 'managing organization of an episode of care',
    resourceType: 'EpisodeOfCare',
    references: (r) => (r.status === 'active' ? [ref(r.managingOrganization)] : []),
  },
];

const BY_TYPE = new Map<string, Relationship[]>();
for (const rule of RELATIONSHIPS) BY_TYPE.set(rule.resourceType, [...(BY_TYPE.get(rule.resourceType) ?? []), rule]);

/** Whether resources of this type can link organizations to patients. */
export function isRelationshipType(resourceType: string): boolean {
  return BY_TYPE.has(resourceType);
}

/** The references (not yet resolved to organizations) by which `resource` links organizations to its patients. */
export function relationshipReferences(resource: Resource | undefined): string[] {
  if (!resource) return [];
  const out = new Set<string>();
  for (const rule of BY_TYPE.get(resource.resourceType) ?? []) for (const r of rule.references(resource as unknown as Json)) if (r) out.add(r);
  return [...out];
}

/**
 * Organizations that take part in a resource itself, whatever its patient's grants: the requester of a Task, its
 * owner while it has access (above), the sender and recipients of a Communication. This matters for resources
 * that name no patient, and for a requester whose other relationships to the patient ended.
 */
export function participantReferences(resource: Resource): string[] {
  const r = resource as unknown as Json;
  const list =
    resource.resourceType === 'Task'
      ? [ref(r.requester), OWNER_HAS_ACCESS.has(String(r.status)) ? ref(r.owner) : undefined]
      : resource.resourceType === 'Communication' || resource.resourceType === 'CommunicationRequest'
        ? [ref(r.sender), ...refs(r.recipient)]
        : [];
  return list.filter((x): x is string => x !== undefined);
}

/** Types whose documents outside any patient's compartment are seen only by their participants (else by everyone). */
export const PARTICIPANT_TYPES: ReadonlySet<string> = new Set(['Task', 'Communication', 'CommunicationRequest']);

/** The `acl` entry that lets every authenticated organization see a document (directory-like data of a patient-data type). */
export const EVERYONE = '*';

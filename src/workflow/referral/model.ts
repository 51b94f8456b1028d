/**
 * How the hub recognises a referral (docs/referral.md#model): a ServiceRequest whose category carries a
 * referral-direction code (up, down, consult), tracked by a Task whose focus (or basedOn) is that ServiceRequest.
 * Small readers shared by the referral rules and transforms; they read through the transaction itself, so they
 * see what earlier entries of the same transaction wrote.
 */
import type { Reference, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { localReference, organizationOf } from '../../access/organizations';
import { CODE_SYSTEMS } from '../../profiles/canonical';
import type { RepoWriter } from '../../repository/repository';

export type Direction = keyof typeof CODE_SYSTEMS.referralDirection.codes;
export const DIRECTIONS = Object.keys(CODE_SYSTEMS.referralDirection.codes) as Direction[];

export const isDirection = (code: string | undefined): code is Direction => code !== undefined && (DIRECTIONS as string[]).includes(code);

/** The referral direction of a ServiceRequest, or undefined when it is no referral. */
export function directionOf(request: ServiceRequest | undefined): Direction | undefined {
  for (const category of request?.category ?? []) {
    for (const coding of category.coding ?? []) if (coding.system === CODE_SYSTEMS.referralDirection.url && isDirection(coding.code)) return coding.code;
  }
  return undefined;
}

/** Writes the hub makes on its own from generated data (seed/, the first-run demo): no rule or transform touches them. */
export function trusted(writer: RepoWriter): boolean {
  return writer.ctx.identity.kind === 'system' && writer.ctx.audit === false;
}

/** `Type/id` of a local reference (relative, or absolute under this server's base URL). */
export function target(writer: RepoWriter, reference: Reference | undefined): string | undefined {
  return localReference(reference?.reference, writer.ctx.baseUrl);
}

export function typeOf(reference: string | undefined): string | undefined {
  return reference?.split('/')[0];
}

/** The current live content of `Type/id` inside this transaction, whoever may see it (rules check facts, they do not show them). */
export async function load<T extends Resource>(writer: RepoWriter, reference: string | undefined, type: T['resourceType']): Promise<T | undefined> {
  if (!reference || typeOf(reference) !== type) return undefined;
  const doc = await writer.transaction.get(type, reference.slice(type.length + 1));
  return doc && doc.deleted !== true ? (doc.res as T | undefined) : undefined;
}

/** The organization a reference stands for (an Organization, a HealthcareService's providedBy, a PractitionerRole's organization). */
export function organizationFor(writer: RepoWriter, reference: Reference | undefined): Promise<string | undefined> {
  return organizationOf(writer.transaction, target(writer, reference));
}

/** The referral ServiceRequest a Task tracks (its focus, else its first basedOn), with its id. */
export async function referralOf(writer: RepoWriter, task: Task): Promise<{ reference: string; request: ServiceRequest; direction: Direction } | undefined> {
  for (const candidate of [task.focus, ...(task.basedOn ?? [])]) {
    const reference = target(writer, candidate);
    const request = await load<ServiceRequest>(writer, reference, 'ServiceRequest');
    const direction = directionOf(request);
    if (reference && request && direction) return { reference, request, direction };
  }
  return undefined;
}

/** Whether a Task is a referral Task: it tracks a referral ServiceRequest, carries a referral business status or claims the profile. */
export function looksLikeReferralTask(task: Task): boolean {
  return (
    (task.businessStatus?.coding ?? []).some((c) => c.system === CODE_SYSTEMS.referralBusinessStatus.url) ||
    (task.meta?.profile ?? []).some((p) => p.endsWith('/StructureDefinition/hub-referral-task'))
  );
}

/** The priority of a referral: the Task's, else its ServiceRequest's, else routine. */
export type Priority = NonNullable<Task['priority']>;
export function priorityOf(task: Task | undefined, request: ServiceRequest | undefined): Priority {
  return task?.priority ?? request?.priority ?? 'routine';
}

/** The types of the resources a list of references points at (local `Type/id`, or a contained `#id`). */
export function referencedTypes(writer: RepoWriter, owner: Resource, references: readonly (Reference | undefined)[]): string[] {
  const contained = (owner as { contained?: Resource[] }).contained ?? [];
  return references.flatMap((r) => {
    if (r?.reference?.startsWith('#')) {
      const hit = contained.find((c) => c.id === r.reference?.slice(1));
      return hit ? [hit.resourceType] : [];
    }
    const type = typeOf(target(writer, r)) ?? r?.type;
    return type ? [type] : [];
  });
}

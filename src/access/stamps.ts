/**
 * Access stamps: every stored document carries `acl`, the organizations that may see it because of their
 * relationships (src/access/relationships.ts), and `own`, the organization that first wrote it. The read policy
 * is then one constant-size, indexed condition (`{ acl: 'Organization/x' }`) however many patients an
 * organization has.
 *
 * A patient's grants (the organizations related to it) live in the `access_grants` collection. When a write
 * changes a relationship, the patient's grants change, and every document in the patient's compartment (and
 * its history) is stamped again in the same transaction — so access never lags behind the relationship.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context';
import { isAdministrator } from '../context';
import { AUDIT_TYPE, isPatientData, patientDataTypes } from './resource-classes';
import { directoryOwner } from './ownership';
import type { CurrentDoc, HistoryDoc } from '../repository/documents';
import { HISTORY } from '../repository/documents';
import type { StoreWriter } from '../store/port';
import { organizationsOf } from './organizations';
import { EVERYONE, isRelationshipType, PARTICIPANT_TYPES, participantReferences, RELATIONSHIPS, relationshipReferences } from './relationships';

export const GRANTS = 'access_grants';

interface GrantDoc {
  _id: string;
  orgs: string[];
  /** The resource types that have documents in the patient's compartment (where a re-stamp must look). */
  types: string[];
  [field: string]: unknown;
}

/** What the repository stores with a document, besides the resource and its index. */
export interface AccessFields {
  readonly acl: string[];
  readonly own?: string;
}

export interface StampInput {
  readonly resourceType: string;
  readonly existing?: CurrentDoc;
  readonly resource: Resource;
  /** The patient compartments of the new version (`Patient/id`). */
  readonly comp: readonly string[];
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));
const union = (...lists: (readonly string[])[]): string[] => [...new Set(lists.flat())].sort();

/** One transaction's view of the access stamps. */
export class AccessStamps {
  /** Patients whose grants must be computed again from all their relationships once this write is stored. */
  private readonly recompute = new Set<string>();
  /** Patients whose grants changed: their documents are stamped again before the commit. */
  private readonly grown = new Set<string>();

  constructor(
    private readonly tx: StoreWriter,
    private readonly ctx: RequestContext,
  ) {}

  /** The fields to store with a new version; records the grant changes `complete` finishes. */
  async stamp(input: StampInput): Promise<AccessFields> {
    const { resource, existing } = input;
    // The audit trail is not patient data: it is read by the authority and administrators only (src/access/policy.ts).
    if (input.resourceType === AUDIT_TYPE) return { acl: [] };
    for (const patient of input.comp) await this.noteType(patient, input.resourceType);
    // The organization that wrote the first version (a deleted and revived resource starts again).
    const live = existing && existing.deleted !== true ? existing : undefined;
    const who = this.ctx.identity;
    const author = who.kind === 'client' && !isAdministrator(who) ? who.organization : undefined;
    const own = isPatientData(input.resourceType)
      ? live
        ? (typeof live.own === 'string' ? live.own : undefined)
        : author
      : ((await directoryOwner(this.tx, resource, this.ctx.baseUrl)) ?? (typeof live?.own === 'string' ? live.own : live ? undefined : author));
    if (isRelationshipType(input.resourceType)) {
      const before = await organizationsOf(this.tx, relationshipReferences(existing?.res), this.ctx.baseUrl);
      const after = await organizationsOf(this.tx, relationshipReferences(resource), this.ctx.baseUrl);
      // The organization that registered a patient manages it.
      if (input.resourceType === 'Patient' && own && !after.includes(own)) after.push(own);
      const oldComp = existing?.comp ?? [];
      const shrinks = before.some((o) => !after.includes(o)) || oldComp.some((p) => !input.comp.includes(p));
      for (const p of shrinks ? union(oldComp, input.comp) : []) this.recompute.add(p);
      for (const patient of input.comp) {
        const grants = await this.grantsOf(patient);
        const next = union(grants, after);
        if (!sameSet(grants, next)) {
          await this.setGrants(patient, next);
          this.grown.add(patient);
        }
      }
    }
    return this.fieldsFor(resource, input.comp, own);
  }

  /** Records a deletion: a relationship it held may end some organization's access. */
  removed(resourceType: string, existing: CurrentDoc): void {
    if (!isRelationshipType(resourceType) || relationshipReferences(existing.res).length === 0) return;
    for (const p of existing.comp ?? []) this.recompute.add(p);
  }

  /**
   * Completes the transaction's stamps, once before its commit (RepoWriter.finish): grants computed again where
   * a relationship ended, and the compartments of patients whose grants changed stamped again — once per
   * patient, however many of the transaction's writes changed its grants.
   */
  async complete(): Promise<void> {
    for (const patient of this.recompute) {
      const fresh = await this.computeGrants(patient);
      if (!sameSet(await this.grantsOf(patient), fresh)) {
        await this.setGrants(patient, fresh);
        this.grown.add(patient);
      }
    }
    this.recompute.clear();
    for (const patient of this.grown) await this.restampCompartment(patient);
    this.grown.clear();
  }

  /** The grants of a patient as stored. */
  async grantsOf(patient: string): Promise<string[]> {
    return (await this.grantDoc(patient))?.orgs ?? [];
  }

  private async grantDoc(patient: string): Promise<GrantDoc | undefined> {
    return (await this.tx.get(GRANTS, idOf(patient))) as GrantDoc | undefined;
  }

  private async setGrants(patient: string, orgs: string[]): Promise<void> {
    const doc = await this.grantDoc(patient);
    await this.tx.put(GRANTS, { _id: idOf(patient), orgs, types: doc?.types ?? [] });
  }

  private async noteType(patient: string, resourceType: string): Promise<void> {
    const doc = await this.grantDoc(patient);
    if (doc?.types.includes(resourceType)) return;
    await this.tx.put(GRANTS, { _id: idOf(patient), orgs: doc?.orgs ?? [], types: [...(doc?.types ?? []), resourceType] });
  }

  /** The grants of a patient from all its live relationships. */
  async computeGrants(patient: string): Promise<string[]> {
    const references: string[] = [];
    for (const type of new Set(RELATIONSHIPS.map((r) => r.resourceType))) {
      const filter = type === 'Patient' ? { _id: idOf(patient), deleted: { $ne: true } } : { comp: patient, deleted: { $ne: true } };
      for await (const doc of this.tx.find(type, filter)) {
        references.push(...relationshipReferences((doc as CurrentDoc).res));
        if (type === 'Patient' && typeof doc.own === 'string') references.push(doc.own);
      }
    }
    return organizationsOf(this.tx, references, this.ctx.baseUrl);
  }

  private async fieldsFor(resource: Resource | undefined, comp: readonly string[], own: string | undefined): Promise<AccessFields> {
    const lists: string[][] = [];
    for (const patient of comp) lists.push(await this.grantsOf(patient));
    if (resource) lists.push(await organizationsOf(this.tx, participantReferences(resource), this.ctx.baseUrl));
    if (own) lists.push([own]);
    if (comp.length === 0 && resource && !PARTICIPANT_TYPES.has(resource.resourceType)) lists.push([EVERYONE]);
    return own ? { acl: union(...lists), own } : { acl: union(...lists) };
  }

  /** Computes a patient's grants from scratch and records the types of its compartment (for the backfill). */
  async resetGrants(patient: string): Promise<void> {
    const types: string[] = [];
    for (const type of patientDataTypes()) if ((await this.tx.count(type, { comp: patient }, 1)) > 0) types.push(type);
    await this.tx.put(GRANTS, { _id: idOf(patient), orgs: await this.computeGrants(patient), types });
  }

  /** Stamps one stored document (and its history) from the current grants; false when it was already right. */
  async restamp(type: string, doc: CurrentDoc): Promise<boolean> {
    const own = typeof doc.own === 'string' ? doc.own : undefined;
    const { acl } = await this.fieldsFor(doc.res, doc.comp ?? [], own);
    if (doc.acl && sameSet(acl, doc.acl)) return false;
    await this.tx.put(type, { ...doc, acl });
    await this.restampHistory(`${type}/${doc._id}`, acl);
    return true;
  }

  /** Stamps every document of a patient's compartment (and its history) whose stamps are not those of now. */
  private async restampCompartment(patient: string): Promise<void> {
    for (const type of (await this.grantDoc(patient))?.types ?? []) {
      const filter = type === 'Patient' ? { _id: idOf(patient) } : { comp: patient };
      const docs: CurrentDoc[] = [];
      for await (const doc of this.tx.find(type, filter)) docs.push(doc as CurrentDoc);
      for (const doc of docs) await this.restamp(type, doc);
    }
  }

  private async restampHistory(rid: string, acl: string[]): Promise<void> {
    const versions: HistoryDoc[] = [];
    for await (const doc of this.tx.find(HISTORY, { rid })) versions.push(doc as HistoryDoc);
    for (const v of versions) await this.tx.put(HISTORY, { ...v, acl });
  }
}

function idOf(patient: string): string {
  return patient.slice('Patient/'.length);
}

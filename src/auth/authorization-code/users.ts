/**
 * People who sign in to the console: kept as data in the hub's store (collection `auth_users`, `_id` = the
 * user name). Each belongs to one organization and has one role, exactly like a client, and the access
 * rules apply to them as to a client. Passwords are stored as scrypt hashes only (passwords.ts).
 * No secondary index, for the same reason as `auth_clients` (the CLI writes while the hub runs).
 */
import type { Role } from '../../context';
import { isRole } from '../../context';
import type { Doc, StorageEngine } from '../../store/port';
import { toArray } from '../../store/port';
import type { PasswordHash } from './passwords';
import { decoyHash, hashPassword, isPasswordHash, verifyPassword } from './passwords';

export const USERS_COLLECTION = 'auth_users';

export type UserStatus = 'active' | 'suspended';

export interface UserRecord {
  readonly username: string;
  /** The person's name as shown in the console. */
  readonly name: string;
  readonly organization: string;
  readonly role: Role;
  /** `Practitioner/{id}` or `PractitionerRole/{id}` the person is, when known (the SMART `fhirUser`). */
  readonly fhirUser?: string;
  readonly status: UserStatus;
  readonly created: string;
}

export interface NewUser {
  readonly username: string;
  readonly name?: string;
  readonly password: string;
  readonly organization: string;
  readonly role: Role;
  readonly fhirUser?: string;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const ORGANIZATION = /^Organization\/[A-Za-z0-9\-.]{1,64}$/;
const FHIR_USER = /^(Practitioner|PractitionerRole)\/[A-Za-z0-9\-.]{1,64}$/;

export class UserRegistry {
  constructor(
    private readonly engine: StorageEngine,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Adds a user; throws an Error saying what is wrong (also for a name that is taken). */
  async add(input: NewUser): Promise<UserRecord> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME.test(username)) throw new Error(`user name '${input.username}' must be 2–64 of a-z 0-9 . _ - (starting with a letter or digit)`);
    if (!ORGANIZATION.test(input.organization)) throw new Error(`organization must look like Organization/<id>, got '${input.organization}'`);
    if (!isRole(input.role)) throw new Error(`unknown role '${String(input.role)}'`);
    if (input.fhirUser !== undefined && !FHIR_USER.test(input.fhirUser)) throw new Error(`fhirUser must be Practitioner/<id> or PractitionerRole/<id>, got '${input.fhirUser}'`);
    const password = await hashPassword(input.password);
    const record: UserRecord = {
      username,
      name: input.name?.trim() || username,
      organization: input.organization,
      role: input.role,
      ...(input.fhirUser ? { fhirUser: input.fhirUser } : {}),
      status: 'active',
      created: this.now().toISOString(),
    };
    await this.engine.transaction((tx) => tx.insert(USERS_COLLECTION, { ...toDoc(record), password }));
    return record;
  }

  async get(username: string): Promise<UserRecord | undefined> {
    const doc = await this.engine.get(USERS_COLLECTION, username.toLowerCase());
    return doc ? fromDoc(doc) : undefined;
  }

  async list(): Promise<UserRecord[]> {
    const docs = await toArray(this.engine.find(USERS_COLLECTION, {}, { sort: [['_id', 1]] }));
    return docs.flatMap((d) => fromDoc(d) ?? []);
  }

  /**
   * The active user with this name and password, or undefined. Unknown names cost one hash like known
   * ones, and the answer never says which of name and password was wrong.
   */
  async authenticate(username: string, password: string): Promise<UserRecord | undefined> {
    const doc = await this.engine.get(USERS_COLLECTION, username.trim().toLowerCase());
    const record = doc ? fromDoc(doc) : undefined;
    const stored = doc && isPasswordHash(doc.password) ? doc.password : await decoyHash();
    const good = await verifyPassword(password, stored);
    return good && record?.status === 'active' ? record : undefined;
  }

  async setStatus(username: string, status: UserStatus): Promise<UserRecord> {
    return this.update(username, (doc) => ({ ...doc, status }));
  }

  async setPassword(username: string, password: string): Promise<UserRecord> {
    const hash: PasswordHash = await hashPassword(password);
    return this.update(username, (doc) => ({ ...doc, password: hash }));
  }

  private async update(username: string, change: (doc: Doc) => Doc): Promise<UserRecord> {
    return this.engine.transaction(async (tx) => {
      const doc = await tx.get(USERS_COLLECTION, username.toLowerCase());
      if (!doc || !fromDoc(doc)) throw new Error(`no user '${username}'`);
      const next = change(doc);
      await tx.put(USERS_COLLECTION, next);
      return fromDoc(next) as UserRecord;
    });
  }
}

function toDoc(r: UserRecord): Doc {
  return { _id: r.username, name: r.name, organization: r.organization, role: r.role, ...(r.fhirUser ? { fhirUser: r.fhirUser } : {}), status: r.status, created: r.created };
}

function fromDoc(doc: Doc): UserRecord | undefined {
  const { name, organization, role, fhirUser, status, created } = doc;
  if (typeof name !== 'string' || typeof organization !== 'string' || !isRole(role) || typeof created !== 'string') return undefined;
  if (status !== 'active' && status !== 'suspended') return undefined;
  return { username: doc._id, name, organization, role, ...(typeof fhirUser === 'string' ? { fhirUser } : {}), status, created };
}

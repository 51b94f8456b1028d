/**
 * The client registry: the systems allowed to ask for access tokens, kept as data in the hub's store
 * (collection `auth_clients`, one document per client, read by `_id` only). The CLI (src/auth/cli.ts), the
 * first-run demo setup and the token endpoint all go through this class.
 *
 * The collection has no secondary index on purpose: the embedded engine keeps each collection's index
 * layout in memory, so a collection another process (the CLI) writes to while the hub runs must not have one.
 */
import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import type { Role } from '../context';
import { isRole } from '../context';
import type { Doc, StorageEngine } from '../store/port';
import { toArray } from '../store/port';
import type { AssertionAlg, KeyPairJwks } from './keys';
import { newKeyPair, publicKeyProblem } from './keys';
import { parseScopes } from './scopes';

export const CLIENTS_COLLECTION = 'auth_clients';

export type ClientStatus = 'active' | 'suspended';

export interface ClientRecord {
  readonly clientId: string;
  /** The organization the client acts for, `Organization/{id}`. */
  readonly organization: string;
  readonly role: Role;
  /** The scopes the client may be granted, space-separated. */
  readonly scope: string;
  /** The client's public keys; assertions are verified against them. */
  readonly jwks: { readonly keys: readonly JWK[] };
  readonly status: ClientStatus;
  /** ISO timestamp of the registration. */
  readonly created: string;
}

export interface NewClient {
  readonly organization: string;
  readonly role: Role;
  /** Default: the role's scopes (defaultScope). */
  readonly scope?: string;
  readonly jwks: { readonly keys: readonly JWK[] };
  readonly clientId?: string;
}

/** Scopes a role is registered for when none are given. */
export function defaultScope(role: Role): string {
  switch (role) {
    case 'clinic':
    case 'hospital':
    case 'admin':
      return 'system/*.cruds';
    case 'pharmacist':
      // Reviews (Task), reads what a review needs, and records dispensing (docs/prescriptions.md).
      return 'system/*.rus system/MedicationDispense.c';
    case 'authority':
      return 'system/*.rs';
  }
}

const ORGANIZATION = /^Organization\/[A-Za-z0-9\-.]{1,64}$/;
const CLIENT_ID = /^[A-Za-z0-9\-._~]{1,128}$/;

export class ClientRegistry {
  constructor(
    private readonly engine: StorageEngine,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Registers a client; throws an Error saying what is wrong with the request. */
  async register(input: NewClient): Promise<ClientRecord> {
    if (!ORGANIZATION.test(input.organization)) throw new Error(`organization must look like Organization/<id>, got '${input.organization}'`);
    if (!isRole(input.role)) throw new Error(`unknown role '${String(input.role)}'`);
    const scope = (input.scope ?? defaultScope(input.role)).trim().split(/\s+/).join(' ');
    const parsed = parseScopes(scope);
    if (parsed.length === 0 || parsed.length !== scope.split(' ').length) throw new Error(`scope must be SMART resource scopes such as system/*.rs, got '${scope}'`);
    if (input.jwks.keys.length === 0) throw new Error('the client needs at least one public key');
    for (const key of input.jwks.keys) {
      const problem = publicKeyProblem(key);
      if (problem) throw new Error(problem);
    }
    const clientId = input.clientId ?? randomUUID();
    if (!CLIENT_ID.test(clientId)) throw new Error(`client_id '${clientId}' has characters other than letters, digits and -._~`);
    const record: ClientRecord = {
      clientId,
      organization: input.organization,
      role: input.role,
      scope,
      jwks: { keys: input.jwks.keys.map((k) => ({ ...k })) },
      status: 'active',
      created: this.now().toISOString(),
    };
    await this.engine.transaction((tx) => tx.insert(CLIENTS_COLLECTION, toDoc(record)));
    return record;
  }

  async get(clientId: string): Promise<ClientRecord | undefined> {
    const doc = await this.engine.get(CLIENTS_COLLECTION, clientId);
    return doc ? fromDoc(doc) : undefined;
  }

  async list(): Promise<ClientRecord[]> {
    const docs = await toArray(this.engine.find(CLIENTS_COLLECTION, {}, { sort: [['_id', 1]] }));
    return docs.flatMap((d) => fromDoc(d) ?? []).sort((a, b) => a.created.localeCompare(b.created));
  }

  /** Sets a client's status; its live access tokens stop working at once when suspended. */
  async setStatus(clientId: string, status: ClientStatus): Promise<ClientRecord> {
    return this.engine.transaction(async (tx) => {
      const doc = await tx.get(CLIENTS_COLLECTION, clientId);
      const record = doc && fromDoc(doc);
      if (!record) throw new Error(`no client '${clientId}'`);
      const next: ClientRecord = { ...record, status };
      await tx.put(CLIENTS_COLLECTION, toDoc(next));
      return next;
    });
  }
}

/** Registers a client with a fresh key pair; the private key is returned and never stored. */
export async function registerWithNewKey(
  registry: ClientRegistry,
  input: Omit<NewClient, 'jwks'> & { readonly alg?: AssertionAlg },
): Promise<{ readonly client: ClientRecord; readonly keys: KeyPairJwks }> {
  const keys = await newKeyPair(input.alg ?? 'ES384');
  const client = await registry.register({ organization: input.organization, role: input.role, scope: input.scope, clientId: input.clientId, jwks: { keys: [keys.publicJwk] } });
  return { client, keys };
}

function toDoc(r: ClientRecord): Doc {
  return { _id: r.clientId, organization: r.organization, role: r.role, scope: r.scope, jwks: { keys: [...r.jwks.keys] }, status: r.status, created: r.created };
}

function isJwk(value: unknown): value is JWK {
  return typeof value === 'object' && value !== null && typeof (value as { kty?: unknown }).kty === 'string';
}

function fromDoc(doc: Doc): ClientRecord | undefined {
  const { organization, role, scope, jwks, status, created } = doc;
  const keys = typeof jwks === 'object' && jwks !== null ? (jwks as { keys?: unknown }).keys : undefined;
  if (typeof organization !== 'string' || !isRole(role) || typeof scope !== 'string' || typeof created !== 'string') return undefined;
  if (status !== 'active' && status !== 'suspended') return undefined;
  if (!Array.isArray(keys) || !keys.every(isJwk)) return undefined;
  return { clientId: doc._id, organization, role, scope, jwks: { keys }, status, created };
}

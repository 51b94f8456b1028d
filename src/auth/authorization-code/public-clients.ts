/**
 * Public clients (RFC 6749 §2.1): browser apps that cannot keep a secret and sign people in with the
 * authorization code grant and PKCE. Kept in the store (collection `auth_public_clients`, `_id` = client_id)
 * with their exact redirect URIs. The hub's own console is registered on every start as `hub-console` with
 * `<origin>/console/callback`, so a change of HUB_BASE_URL takes effect on the next start.
 */
import type { Doc, StorageEngine } from '../../store/port';

export const PUBLIC_CLIENTS_COLLECTION = 'auth_public_clients';
export const CONSOLE_CLIENT_ID = 'hub-console';

export interface PublicClient {
  readonly clientId: string;
  readonly name: string;
  /** Redirect URIs, compared exactly (no prefix or pattern matching). */
  readonly redirectUris: readonly string[];
  readonly status: 'active' | 'suspended';
}

export function consoleClient(fhirBaseUrl: string): PublicClient {
  const origin = new URL(fhirBaseUrl).origin;
  return { clientId: CONSOLE_CLIENT_ID, name: '健康共同体控制台 Hub console', redirectUris: [`${origin}/console/callback`], status: 'active' };
}

export class PublicClientRegistry {
  constructor(private readonly engine: StorageEngine) {}

  async get(clientId: string): Promise<PublicClient | undefined> {
    const doc = await this.engine.get(PUBLIC_CLIENTS_COLLECTION, clientId);
    if (!doc) return undefined;
    const { name, redirectUris, status } = doc;
    if (typeof name !== 'string' || !Array.isArray(redirectUris) || !redirectUris.every((u) => typeof u === 'string')) return undefined;
    if (status !== 'active' && status !== 'suspended') return undefined;
    return { clientId, name, redirectUris, status };
  }

  /** Registers or updates a public client. */
  async put(client: PublicClient): Promise<void> {
    const doc: Doc = { _id: client.clientId, name: client.name, redirectUris: [...client.redirectUris], status: client.status };
    await this.engine.transaction((tx) => tx.put(PUBLIC_CLIENTS_COLLECTION, doc));
  }
}

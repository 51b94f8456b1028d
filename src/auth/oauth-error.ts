/** Token endpoint errors (RFC 6749 §5.2), answered as JSON `{ error, error_description }`. */
import type { ClientRecord } from './clients';

export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'invalid_scope' | 'unsupported_grant_type' | 'unauthorized_client';

export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    /** 401 for invalid_client, 400 for the others, 429 when an address made too many failed requests. */
    readonly status: number = error === 'invalid_client' ? 401 : 400,
    /** The client, when it was identified before the request failed (for the audit record). */
    readonly client?: ClientRecord,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${error}: ${description}`);
  }

  body(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

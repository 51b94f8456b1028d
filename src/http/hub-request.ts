/** What the adapter's middleware attach to an express request on its way to the router. */
import type { Request } from 'express';
import type { Identity } from '../context';
import type { Logger } from '../logger';

export type HubRequest = Request & {
  id?: string;
  log?: Logger;
  started?: bigint;
  /** Set by the authentication middleware: who is asking (ANONYMOUS on open endpoints without a token). */
  identity?: Identity;
};

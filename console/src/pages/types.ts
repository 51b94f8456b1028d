import type { Session } from '../auth/session';
import type { MessageKey } from '../i18n/messages';

export interface PageContext {
  readonly session: Session;
  /** The URL hash without '#', e.g. `patient/pat-0000003`. */
  readonly hash: string;
  go(hash: string): void;
}

export interface PageDef {
  /** The hash it answers, e.g. `patients`; `patient` also answers `patient/<id>`. */
  readonly path: string;
  readonly label: MessageKey;
  /** Reached from another page, not from the navigation. */
  readonly hidden?: boolean;
  readonly render: (ctx: PageContext) => React.ReactNode;
}

/** The part of the hash after the page's path: `patient/pat-1` → `pat-1`. */
export function argOf(ctx: PageContext, path: string): string {
  return decodeURIComponent(ctx.hash.slice(path.length + 1));
}

/**
 * SMART scopes (App Launch 2.x, scopes-and-launch-context.html): `system/Patient.rs`, `system/*.cruds`, and
 * the v1 forms `system/Patient.read`, `system/*.write`, `system/*.*`. A scope grants interaction letters
 * (c create, r read, u update, d delete, s search) on one resource type or on all (`*`).
 * `user/` scopes (people signed in to a console) work like `system/` ones, under the person's organization and role.
 */

export type ScopeLetter = 'c' | 'r' | 'u' | 'd' | 's';
const ORDER: readonly ScopeLetter[] = ['c', 'r', 'u', 'd', 's'];

export interface ResourceScope {
  readonly context: 'system' | 'user';
  /** A resource type, or `*` for all. */
  readonly type: string;
  readonly letters: ReadonlySet<ScopeLetter>;
  /** The scope as written. */
  readonly text: string;
}

const V1: Record<string, readonly ScopeLetter[]> = { read: ['r', 's'], write: ['c', 'u', 'd'], '*': ORDER };
const SCOPE = /^(system|user)\/(\*|[A-Z][A-Za-z]{1,63})\.([a-z*]+)$/;

/** Parses one resource scope; undefined for anything else (openid, launch, granular `?` scopes …). */
export function parseScope(text: string): ResourceScope | undefined {
  const m = SCOPE.exec(text);
  if (!m) return undefined;
  const [, context, type, access] = m;
  let letters: readonly ScopeLetter[] | undefined = V1[access];
  if (!letters) {
    // v2: letters in the order c r u d s, each at most once.
    const seen = access.split('');
    const ordered = ORDER.filter((l) => seen.includes(l));
    if (ordered.join('') !== access) return undefined;
    letters = ordered;
  }
  return { context: context as 'system' | 'user', type, letters: new Set(letters), text };
}

export function parseScopes(text: string | undefined): ResourceScope[] {
  return (text ?? '').split(/\s+/).filter(Boolean).flatMap((s) => parseScope(s) ?? []);
}

function lettersOn(scopes: readonly ResourceScope[], context: string, type: string): Set<ScopeLetter> {
  const out = new Set<ScopeLetter>();
  for (const s of scopes) if (s.context === context && (s.type === '*' || s.type === type)) for (const l of s.letters) out.add(l);
  return out;
}

function write(context: string, type: string, letters: ReadonlySet<ScopeLetter>): string {
  return `${context}/${type}.${ORDER.filter((l) => letters.has(l)).join('')}`;
}

/**
 * What a token gets: each requested scope reduced to the letters the client is registered for. A request
 * covered whole keeps its own spelling; one covered in part is granted in v2 form; one not covered is dropped.
 * Non-resource scopes are dropped.
 */
export function grantScopes(requested: string, allowed: string): string[] {
  const registered = parseScopes(allowed);
  const out: string[] = [];
  for (const want of parseScopes(requested)) {
    let letters: Set<ScopeLetter>;
    if (want.type === '*') {
      // `*` is granted only with letters every type has: those of registered `*` scopes.
      letters = new Set([...want.letters].filter((l) => registered.some((r) => r.context === want.context && r.type === '*' && r.letters.has(l))));
    } else {
      const have = lettersOn(registered, want.context, want.type);
      letters = new Set([...want.letters].filter((l) => have.has(l)));
    }
    if (letters.size === 0) continue;
    const text = letters.size === want.letters.size ? want.text : write(want.context, want.type, letters);
    if (!out.includes(text)) out.push(text);
  }
  return out;
}

/** Whether granted scopes allow `letter` on `resourceType`. */
export function permits(scopes: readonly string[] | undefined, resourceType: string, letter: ScopeLetter): boolean {
  if (!scopes) return false;
  for (const text of scopes) {
    const s = parseScope(text);
    if (s && (s.type === '*' || s.type === resourceType) && s.letters.has(letter)) return true;
  }
  return false;
}

/** Whether granted scopes allow `letter` on every resource type (a `*` scope). */
export function permitsAll(scopes: readonly string[] | undefined, letter: ScopeLetter): boolean {
  return (scopes ?? []).some((text) => {
    const s = parseScope(text);
    return s !== undefined && s.type === '*' && s.letters.has(letter);
  });
}

/** The letter each FHIR interaction needs (SMART v2: search and history are `s`). */
export const INTERACTION_LETTER: Readonly<Record<string, ScopeLetter>> = {
  create: 'c',
  read: 'r',
  vread: 'r',
  update: 'u',
  patch: 'u',
  delete: 'd',
  'search-type': 's',
  'search-system': 's',
  'history-instance': 's',
  'history-type': 's',
  'history-system': 's',
};

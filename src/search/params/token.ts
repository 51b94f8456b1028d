/**
 * token: `[system]|[code]`, `code`, `|code`, `system|`; modifiers :text (prefix on display/text), :not,
 * :of-type (Identifier: `type-system|type-code|value`), :in / :not-in (a ValueSet, token-in.ts). Entries: s (system), c (code), t (text, normalised),
 * ty (identifier type `system|code`).
 */
import type { TypedValue } from '@medplum/core';
import type { CodeableConcept, Coding, ContactPoint, Identifier } from '@medplum/fhirtypes';
import { fail } from '../../fhir/outcomes';
import { normalizeText, PREFIX_END } from '../normalize';
import { valueSetCondition } from './token-in';
import type { Entry, ParamUnit } from './unit';
import { entry, maxKey, minKey } from './unit';

function text(value: string | undefined): string | undefined {
  return value ? normalizeText(value) : undefined;
}

function tokens(value: TypedValue): Entry[] {
  const v: unknown = value.value;
  if (v === undefined || v === null) return [];
  if (typeof v !== 'object') return [entry({ c: String(v) })];
  switch (value.type) {
    case 'Coding': {
      const c = v as Coding;
      return [entry({ s: c.system, c: c.code, t: text(c.display) })];
    }
    case 'CodeableConcept': {
      const cc = v as CodeableConcept;
      const out = (cc.coding ?? []).map((c) => entry({ s: c.system, c: c.code, t: text(c.display) }));
      if (cc.text) out.push(entry({ t: text(cc.text) }));
      return out;
    }
    case 'Identifier': {
      const id = v as Identifier;
      const types = id.type?.coding ?? [];
      if (types.length === 0) return [entry({ s: id.system, c: id.value, t: text(id.type?.text) })];
      return types.map((t) => entry({ s: id.system, c: id.value, t: text(id.type?.text ?? t.display), ty: `${t.system ?? ''}|${t.code ?? ''}` }));
    }
    case 'ContactPoint': {
      const cp = v as ContactPoint;
      return [entry({ s: cp.system, c: cp.value })];
    }
    default:
      return [];
  }
}

export function parseToken(value: string): { system?: string; code?: string; anySystem: boolean } {
  const bar = indexOfUnescaped(value, '|');
  if (bar < 0) return { code: unescape(value), anySystem: true };
  return { system: unescape(value.slice(0, bar)) || undefined, code: unescape(value.slice(bar + 1)) || undefined, anySystem: false };
}

function indexOfUnescaped(value: string, ch: string): number {
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '\\') i++;
    else if (value[i] === ch) return i;
  }
  return -1;
}

function unescape(value: string): string {
  return value.replace(/\\([\\|$,])/g, '$1');
}

export const tokenUnit: ParamUnit = {
  type: 'token',
  modifiers: new Set(['text', 'not', 'of-type', 'in', 'not-in']),
  extract(values) {
    const seen = new Set<string>();
    return values.flatMap(tokens).filter((e) => {
      const k = JSON.stringify(e);
      if (seen.has(k) || (e.c === undefined && e.t === undefined)) return false;
      seen.add(k);
      return true;
    });
  },
  sortKey: (entries) => minKey(entries.map((e) => e.c as string | undefined)),
  sortKeyDesc: (entries) => maxKey(entries.map((e) => e.c as string | undefined)),
  toCondition(value, modifier, ctx) {
    if (value === '') throw fail(400, 'invalid', `parameter '${ctx.param}' needs a value`);
    // :in / :not-in a ValueSet of the hub (token-in.ts).
    if (modifier === 'in' || modifier === 'not-in') return valueSetCondition(value, modifier, ctx);
    if (modifier === 'text') {
      const n = normalizeText(value);
      return { elem: { t: { $gte: n, $lt: n + PREFIX_END } } };
    }
    if (modifier === 'of-type') {
      const parts = value.split('|');
      if (parts.length !== 3 || !parts[2]) {
        throw fail(400, 'invalid', `parameter '${ctx.param}:of-type' needs type-system|type-code|value`);
      }
      return { elem: { ty: `${parts[0]}|${parts[1]}`, c: parts[2] } };
    }
    const { system, code, anySystem } = parseToken(value);
    const elem: Record<string, unknown> = {};
    if (code !== undefined) elem.c = code;
    if (system !== undefined) elem.s = system;
    else if (!anySystem) elem.s = { $exists: false };
    if (code === undefined && system === undefined) throw fail(400, 'invalid', `parameter '${ctx.param}' has an empty token`);
    return { elem, negate: modifier === 'not' };
  },
};

/**
 * The envelope of a resource: the fields the server itself reads before (or while) validating a resource —
 * `resourceType` (to pick a validator, a collection), `id` (a store key), and `meta` (server-managed
 * `versionId`/`lastUpdated` are stripped, `meta.profile` selects the profiles to validate against).
 *
 * Its shape is checked first, before any of those readers runs, so that a body such as
 * `{"resourceType":"Patient","meta":{"profile":true}}` is a 400 naming `Patient.meta.profile` rather than a
 * crash in whatever read the field first. Everything else is left to the full validation (validator.ts).
 */
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { isConcreteResourceType } from '../fhir/resource-types';
import { ID_PATTERN } from '../repository/repository';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** FHIR `canonical` / `uri`: a non-empty string without whitespace (datatypes.html#canonical). */
const CANONICAL = /^\S+$/;

function issue(code: OperationOutcomeIssue['code'], text: string, expression: string): OperationOutcomeIssue {
  return { severity: 'error', code, details: { text }, expression: [expression] };
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

function stringField(meta: Record<string, unknown>, name: string, at: string, out: OperationOutcomeIssue[]): void {
  const v = meta[name];
  if (v !== undefined && typeof v !== 'string') out.push(issue('structure', `${name} must be a string, not ${kind(v)}`, `${at}.${name}`));
}

function listOf(meta: Record<string, unknown>, name: string, at: string, item: 'canonical' | 'object', out: OperationOutcomeIssue[]): void {
  const v = meta[name];
  if (v === undefined) return;
  const where = `${at}.${name}`;
  if (!Array.isArray(v)) {
    out.push(issue('structure', `${name} must be an array, not ${kind(v)}`, where));
    return;
  }
  v.forEach((x: unknown, i) => {
    if (item === 'canonical' && !(typeof x === 'string' && CANONICAL.test(x))) {
      out.push(issue('structure', `${name}[${i}] must be a canonical URL (a string without spaces), not ${typeof x === 'string' ? JSON.stringify(x) : kind(x)}`, where));
    } else if (item === 'object' && !isObject(x)) {
      out.push(issue('structure', `${name}[${i}] must be an object (a Coding), not ${kind(x)}`, where));
    }
  });
}

function metaIssues(meta: unknown, at: string): OperationOutcomeIssue[] {
  if (meta === undefined) return [];
  if (!isObject(meta)) return [issue('structure', `meta must be an object, not ${kind(meta)}`, at)];
  const out: OperationOutcomeIssue[] = [];
  stringField(meta, 'versionId', at, out);
  stringField(meta, 'lastUpdated', at, out);
  stringField(meta, 'source', at, out);
  listOf(meta, 'profile', at, 'canonical', out);
  listOf(meta, 'tag', at, 'object', out);
  listOf(meta, 'security', at, 'object', out);
  return out;
}

/**
 * Issues with the envelope of `input` (empty when it is sound). With `expectedType`, the resource must be of
 * that type. Never throws, whatever `input` is.
 */
export function envelopeIssues(input: unknown, expectedType?: string): OperationOutcomeIssue[] {
  if (!isObject(input)) return [issue('structure', `a FHIR resource is a JSON object with a resourceType, not ${kind(input)}`, 'resourceType')];
  const type = input.resourceType;
  if (typeof type !== 'string' || type === '') return [issue('structure', `resourceType must be a non-empty string, not ${kind(type)}`, 'resourceType')];
  if (!isConcreteResourceType(type)) return [issue('structure', `'${type.slice(0, 100)}' is not a FHIR R4 resource type`, 'resourceType')];
  if (expectedType !== undefined && type !== expectedType) return [issue('invalid', `the resource is a ${type}, not a ${expectedType}`, 'resourceType')];
  const out: OperationOutcomeIssue[] = [];
  const id = input.id;
  if (id !== undefined && !(typeof id === 'string' && ID_PATTERN.test(id))) {
    const shown = typeof id === 'string' ? `'${id.slice(0, 70)}${id.length > 70 ? '…' : ''}'` : kind(id);
    out.push(issue('structure', `id must be 1 to 64 letters, digits, '-' or '.', not ${shown}`, `${type}.id`));
  }
  out.push(...metaIssues(input.meta, `${type}.meta`));
  return out;
}

/** The hub profiles and other canonical URLs `meta.profile` claims; nothing when the envelope is unsound. */
export function claimedProfiles(input: unknown): string[] {
  if (!isObject(input) || !isObject(input.meta) || !Array.isArray(input.meta.profile)) return [];
  return input.meta.profile.filter((p: unknown): p is string => typeof p === 'string');
}

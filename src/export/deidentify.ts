/**
 * De-identification of exported resources for the authority role (docs/export.md#de-identification).
 *
 * Directory and conformance resources (organizations, practitioners, locations, services, terminology …) are
 * public within the community and kept, with only their references to residents' records rewritten. Every other
 * resource is about a resident and is rewritten by element name, recursively (contained resources included):
 * - its `id`, and every reference to such a resource, becomes a pseudonym: the first 128 bits of
 *   HMAC-SHA256(hub key, `Type/id`) in hex — the same resident gets the same pseudonym in every file and every
 *   export of this store, and references between exported resources still resolve;
 * - `name`, `telecom`, `photo`, `contact` and Attachment `data` are removed; `identifier` (and every `…Identifier`,
 *   `subscriberId`, serial and lot numbers, UDIs) is removed, except on Patient, where each identifier is replaced
 *   by its pseudonym (system PSEUDONYM_SYSTEM, value HMAC(hub key, `system|value`)), so two records of one
 *   resident can still be linked;
 * - `birthDate` and `deceasedDateTime` keep the year only;
 * - every `address` keeps only its use, type, district (with its GB/T 2260 code as an extension), city,
 *   state and country: street lines, text, postal code and period go;
 * - free text goes: narrative and every `text`, `note` (Annotations), `comment`, string `description`,
 *   `patientInstruction`, `valueString`, `valueMarkdown`, and the `display` of references (it names
 *   people); the `display` of a Coding (terminology, next to its code) stays;
 * - `meta.profile` and `meta.source` go (the result no longer claims the hub's profiles) and `meta.security`
 *   gets PSEUDED (HL7 v3 ObservationValue: pseudonymized);
 * - extensions left without a value, and elements left empty, are dropped.
 */
import { createHmac } from 'node:crypto';
import type { Coding, Resource } from '@medplum/fhirtypes';
import { CONFORMANCE_TYPES } from '../access/resource-classes';

export const PSEUDONYM_SYSTEM = 'https://fhir.health-community-hub.cn/sid/pseudonym';
export const DIVISION_EXTENSION = 'https://fhir.health-community-hub.cn/StructureDefinition/ext-administrative-division';
export const PSEUDED: Coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'PSEUDED', display: 'pseudonymized' };

/** Types kept as they are (apart from references): the community directory and conformance resources. */
const DIRECTORY_TYPES: ReadonlySet<string> = new Set([
  'Organization', 'OrganizationAffiliation', 'Practitioner', 'PractitionerRole', 'Location', 'HealthcareService', 'Endpoint',
  'Schedule', 'Slot', 'Medication', 'MedicationKnowledge', 'Substance', 'Binary', 'Bundle',
  ...CONFORMANCE_TYPES,
]);

/** Elements removed wherever they occur in a resident's resource. */
const REMOVED: ReadonlySet<string> = new Set([
  'name', 'telecom', 'photo', 'contact', 'data',
  'text', 'div', 'note', 'comment', 'patientInstruction',
  'valueString', 'valueMarkdown', 'valueHumanName', 'valueContactPoint', 'valueAttachment', 'valueAnnotation', 'valueIdentifier',
  // Identifiers that are plain strings or named otherwise: insurance numbers, device serial numbers, UDIs.
  'subscriberId', 'dependent', 'serialNumber', 'lotNumber', 'udiCarrier', 'distinctIdentifier',
]);

/** `identifier`, and every element named `…Identifier` (accessionIdentifier, preAdmissionIdentifier …). */
const isIdentifier = (key: string): boolean => key === 'identifier' || key.endsWith('Identifier');

const REFERENCE = /^(?:(.*)\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

type Json = unknown;
type JsonObject = Record<string, Json>;

export interface DeidentifyOptions {
  readonly key: Buffer;
  /** The hub's FHIR base, to recognise absolute references to its own resources. */
  readonly baseUrl: string;
  /** GB/T 2260 district codes by district name (和平区 → 120101). */
  readonly districts: ReadonlyMap<string, string>;
}

export function isDeidentifiedType(resourceType: string): boolean {
  return !DIRECTORY_TYPES.has(resourceType);
}

/** Pseudonyms kept for reuse (references repeat: a resident's id is in every one of its resources); cleared when full. */
const CACHE_SIZE = 50_000;

export class Deidentifier {
  private readonly cache = new Map<string, string>();

  constructor(private readonly options: DeidentifyOptions) {}

  /** The stable pseudonym of a resident's resource id. */
  pseudonym(resourceType: string, id: string): string {
    const key = `${resourceType}/${id}`;
    let value = this.cache.get(key);
    if (value === undefined) {
      value = createHmac('sha256', this.options.key).update(key).digest('hex').slice(0, 32);
      if (this.cache.size >= CACHE_SIZE) this.cache.clear();
      this.cache.set(key, value);
    }
    return value;
  }

  private identifierPseudonym(system: string | undefined, value: string | undefined): string {
    return createHmac('sha256', this.options.key).update(`identifier:${system ?? ''}|${value ?? ''}`).digest('hex').slice(0, 32);
  }

  /** The de-identified copy of a resource (the input is not changed). */
  apply(resource: Resource): Resource {
    const type = resource.resourceType;
    if (!isDeidentifiedType(type)) return this.references(resource) as Resource;
    const out: JsonObject = { resourceType: type, ...(resource.id ? { id: this.pseudonym(type, resource.id) } : {}), ...((this.walk(resource, true) ?? {}) as JsonObject) };
    if (type === 'Patient' && Array.isArray(resource.identifier)) {
      const pseudonyms = resource.identifier.map((i) => ({ system: PSEUDONYM_SYSTEM, value: this.identifierPseudonym(i.system, i.value) }));
      if (pseudonyms.length > 0) out.identifier = pseudonyms;
    }
    out.meta = this.meta(resource.meta as JsonObject | undefined);
    return out as unknown as Resource;
  }

  private meta(meta: JsonObject | undefined): JsonObject {
    const out: JsonObject = {};
    if (meta?.versionId !== undefined) out.versionId = meta.versionId;
    if (meta?.lastUpdated !== undefined) out.lastUpdated = meta.lastUpdated;
    if (Array.isArray(meta?.tag)) out.tag = meta.tag;
    const security = Array.isArray(meta?.security) ? (meta.security as Coding[]).filter((c) => c.code !== PSEUDED.code) : [];
    out.security = [...security, PSEUDED];
    return out;
  }

  /** A rewritten reference string (only references to residents' resources of this hub change). */
  private reference(ref: string): string {
    const m = REFERENCE.exec(ref);
    if (!m) return ref;
    const [, prefix, type, id, history] = m;
    if (prefix !== undefined && prefix !== this.options.baseUrl) return ref;
    if (!isDeidentifiedType(type)) return ref;
    return `${type}/${this.pseudonym(type, id)}${history ?? ''}`;
  }

  /** Rewrites references only (for directory resources, e.g. a Group's members or an Organization's). */
  private references(value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => this.references(v));
    if (value === null || typeof value !== 'object') return value;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value as JsonObject)) out[k] = k === 'reference' && typeof v === 'string' ? this.reference(v) : this.references(v);
    return out;
  }

  private walk(value: Json, root = false): Json {
    if (Array.isArray(value)) {
      const items = value.map((v) => this.walk(v)).filter((v) => v !== undefined);
      return items.length > 0 ? items : undefined;
    }
    if (value === null || typeof value !== 'object') return value;
    const obj = value as JsonObject;
    const out: JsonObject = {};
    let keys = 0;
    for (const k in obj) {
      if (!Object.hasOwn(obj, k)) continue;
      const v = obj[k];
      if (REMOVED.has(k) || isIdentifier(k) || (root && (k === 'meta' || k === 'id'))) continue;
      if (k === 'display' && !('code' in obj)) continue;
      if (k === 'description' && typeof v === 'string') continue;
      let next: Json;
      if (v === null || typeof v !== 'object') {
        if (k === 'reference' && typeof v === 'string') next = this.reference(v);
        else if ((k === 'birthDate' || k === 'deceasedDateTime') && typeof v === 'string') next = v.slice(0, 4);
        else next = v;
      } else if (k === 'address') next = Array.isArray(v) ? this.walk(v.map((a) => this.address(a as JsonObject))) : this.walk(this.address(v as JsonObject));
      else if (k === 'contained' && Array.isArray(v)) next = v.map((r) => this.contained(r as Resource));
      else next = this.walk(v);
      if (next !== undefined) {
        out[k] = next;
        keys++;
      }
    }
    if (Array.isArray(out.extension)) {
      out.extension = (out.extension as JsonObject[]).filter((e) => Object.keys(e).some((key) => key.startsWith('value') || key === 'extension'));
      if ((out.extension as unknown[]).length === 0) {
        delete out.extension;
        keys--;
      }
    }
    if (!root && keys === 0) return undefined;
    return out;
  }

  /** A contained resource: de-identified like any other, but its local id (`#id` references) is kept. */
  private contained(resource: Resource): Json {
    return { resourceType: resource.resourceType, ...(resource.id ? { id: resource.id } : {}), ...(this.walk(resource, true) as JsonObject) };
  }

  private address(a: JsonObject | undefined): JsonObject | undefined {
    if (!a || typeof a !== 'object') return undefined;
    const out: JsonObject = {};
    for (const k of ['use', 'type']) if (typeof a[k] === 'string') out[k] = a[k];
    if (typeof a.district === 'string') {
      out.district = a.district;
      const code = this.options.districts.get(a.district);
      if (code) out.extension = [{ url: DIVISION_EXTENSION, valueCode: code }];
    }
    for (const k of ['city', 'state', 'country']) if (typeof a[k] === 'string') out[k] = a[k];
    return out;
  }
}

/** District names → GB/T 2260 codes from the hub's CodeSystem: codes of six digits not ending in 00. */
export function districtCodes(codeSystems: ReadonlyArray<{ url?: string; concept?: ReadonlyArray<{ code?: string; display?: string; concept?: unknown }> }>): Map<string, string> {
  const out = new Map<string, string>();
  type Concept = { code?: string; display?: string; concept?: unknown };
  const visit = (concepts: readonly Concept[] | undefined): void => {
    for (const c of concepts ?? []) {
      if (c.code && c.display && /^\d{4}(?!00)\d{2}$/.test(c.code)) out.set(c.display, c.code);
      visit(c.concept as Concept[] | undefined);
    }
  };
  for (const cs of codeSystems) if (cs.url?.endsWith('/CodeSystem/gb-t-2260')) visit(cs.concept as Concept[] | undefined);
  return out;
}

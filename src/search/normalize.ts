/**
 * String normalisation for search: case-insensitive and accent-insensitive (FHIR string search), with
 * compatibility forms folded (full-width Latin letters and digits match their ASCII forms). CJK text is
 * kept as it is, so `王小` is a prefix of `王小明`.
 */
export function normalizeText(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The smallest string greater than every string starting with `prefix` (for prefix ranges). */
export const PREFIX_END = '\uffff';

export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

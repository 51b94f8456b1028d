/** fixed[x] (exact) and pattern[x] (the value contains the pattern) comparison on FHIR JSON. */

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function matchesFixed(value: unknown, fixed: unknown): boolean {
  if (Array.isArray(fixed)) {
    return Array.isArray(value) && value.length === fixed.length && fixed.every((f, i) => matchesFixed(value[i], f));
  }
  if (isObject(fixed)) {
    if (!isObject(value)) {
      return false;
    }
    const keys = new Set([...Object.keys(fixed), ...Object.keys(value)]);
    return [...keys].every((k) => matchesFixed(value[k], fixed[k]));
  }
  return value === fixed;
}

export function matchesPattern(value: unknown, pattern: unknown): boolean {
  return patternMismatch(value, pattern) === undefined;
}

/** undefined when the value contains the pattern; otherwise a short description of the first difference. */
export function patternMismatch(value: unknown, pattern: unknown, path = ''): string | undefined {
  const where = path || 'value';
  if (Array.isArray(pattern)) {
    const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
    for (const p of pattern) {
      if (!items.some((item) => patternMismatch(item, p) === undefined)) {
        return `${where} needs an item matching ${JSON.stringify(p)}`;
      }
    }
    return undefined;
  }
  if (isObject(pattern)) {
    if (!isObject(value)) {
      return `${where} must be an object matching ${JSON.stringify(pattern)}`;
    }
    for (const [key, p] of Object.entries(pattern)) {
      const mismatch = patternMismatch(value[key], p, path ? `${path}.${key}` : key);
      if (mismatch) {
        return mismatch;
      }
    }
    return undefined;
  }
  return value === pattern ? undefined : `${where} must be ${JSON.stringify(pattern)}, found ${JSON.stringify(value ?? null)}`;
}

/**
 * Seeded pseudo-random numbers for the region generator.
 *
 * sfc32 streams seeded through a 32-bit mixer: `forkRng(seed, 'resident', 42)` always gives the same stream,
 * independent of how many numbers other streams consumed, so every resident can be generated on its own.
 * Nothing here reads the clock or Math.random.
 */

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over a string, then mixed. */
function hashString(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h >>> 0);
}

/** Hashes the parts of a stream name (numbers and strings) into one 32-bit value. */
export function hashParts(...parts: ReadonlyArray<string | number>): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = typeof part === 'number' ? mix32((h ^ mix32(part >>> 0) ^ Math.floor(part / 2 ** 32)) + 0x6d2b79f5) : hashString(part, h);
  }
  return h;
}

export interface WeightedTable<T> {
  readonly items: readonly T[];
  /** Cumulative weights, last = total. */
  readonly cumulative: readonly number[];
}

export function weightedTable<T>(entries: ReadonlyArray<readonly [T, number]>): WeightedTable<T> {
  const items: T[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const [item, weight] of entries) {
    if (!(weight > 0)) {
      throw new Error('weights must be positive');
    }
    total += weight;
    items.push(item);
    cumulative.push(total);
  }
  return { items, cumulative };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = mix32(seed ^ 0xa5a5a5a5);
    this.b = mix32(seed + 0x9e3779b9);
    this.c = mix32(seed ^ 0x3c6ef372);
    this.d = 1;
    for (let i = 0; i < 12; i++) {
      this.nextUint32();
    }
  }

  /** sfc32 step. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) {
      throw new Error('cannot pick from an empty list');
    }
    return items[Math.floor(this.next() * items.length)];
  }

  weighted<T>(table: WeightedTable<T>): T {
    const { cumulative, items } = table;
    const x = this.next() * cumulative[cumulative.length - 1];
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > x) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return items[lo];
  }

  /** Normal deviate (Box–Muller, one value per call). */
  normal(mean: number, sd: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A string of random decimal digits. */
  digits(count: number): string {
    let s = '';
    for (let i = 0; i < count; i++) {
      s += String(this.nextUint32() % 10);
    }
    return s;
  }
}

/** An independent stream for a named part of the region, e.g. forkRng(seed, 'resident', 17). */
export function forkRng(seed: number, ...parts: ReadonlyArray<string | number>): Rng {
  return new Rng(hashParts(seed, ...parts));
}

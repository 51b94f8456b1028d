/** A seeded PRNG (mulberry32) and the few choices the fuzzer makes with it: same seed, same requests. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** Strings that have broken servers: control characters, lone surrogates, bidi marks, U+FFFF, combining marks. */
export const ODD_STRINGS: readonly string[] = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '\uffff', '\ufeff', '\u202e\u202dabc', 'e\u0301\u0301\u0301',
  '😀👨‍👩‍👧‍👦', '徐慧梅', '\n\t\r', '%E0%A4%A', '../../etc/passwd', '<script>', "'; DROP TABLE", '${x}', '{{x}}', '\\', '"',
  '__proto__', 'constructor', 'prototype', 'toString', '$where', '$gt', 'null', 'undefined', 'NaN', '-0', '1e400',
];

export function oddString(r: Random): string {
  if (r.chance(0.25)) return r.pick(ODD_STRINGS).repeat(r.int(1, 3));
  if (r.chance(0.3)) return r.pick(['a', '徐', '😀', '\u0000', '%']).repeat(r.pick([201, 1000, 2100, 5000]));
  let s = '';
  const n = r.int(1, 12);
  for (let i = 0; i < n; i++) s += String.fromCharCode(r.pick([r.int(0, 0x7f), r.int(0x80, 0xffff), r.int(0xd800, 0xdfff)]));
  return s;
}

/**
 * Password hashes for people who sign in: scrypt (node:crypto, RFC 7914) with a random 16-byte salt per
 * user, compared in constant time. The parameters are stored with each hash so they can be raised later
 * without invalidating stored passwords.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface PasswordHash {
  readonly algorithm: 'scrypt';
  /** CPU/memory cost (N), block size (r), parallelism (p). */
  readonly N: number;
  readonly r: number;
  readonly p: number;
  /** base64url */
  readonly salt: string;
  /** base64url, KEY_LENGTH bytes */
  readonly hash: string;
}

const KEY_LENGTH = 32;
/** 2^15 × 8 × 128 B = 32 MiB per hash, about 50–100 ms on one core: slow for a guesser, fine for a login. */
const DEFAULT = { N: 2 ** 15, r: 8, p: 1 } as const;
export const MIN_PASSWORD_LENGTH = 8;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem: 128 * params.N * params.r * 2 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new Error(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  const salt = randomBytes(16);
  const key = await derive(password, salt, DEFAULT);
  return { algorithm: 'scrypt', ...DEFAULT, salt: salt.toString('base64url'), hash: key.toString('base64url') };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64url');
  const key = await derive(password, Buffer.from(stored.salt, 'base64url'), stored);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash nobody's password matches, verified for unknown user names so that they take as long as known ones. */
let decoy: Promise<PasswordHash> | undefined;
export function decoyHash(): Promise<PasswordHash> {
  decoy ??= hashPassword(randomBytes(24).toString('base64url'));
  return decoy;
}

export function isPasswordHash(value: unknown): value is PasswordHash {
  const v = value as Partial<PasswordHash> | null;
  return typeof v === 'object' && v !== null && v.algorithm === 'scrypt' && typeof v.salt === 'string' && typeof v.hash === 'string' && [v.N, v.r, v.p].every((n) => typeof n === 'number');
}

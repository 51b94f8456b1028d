/** The hub's version (package.json), for the metrics' hub_info and the backup manifest. */
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root';

let cached: string | undefined;

export function hubVersion(): string {
  if (cached === undefined) {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8'));
    const version = typeof parsed === 'object' && parsed !== null && 'version' in parsed ? parsed.version : undefined;
    cached = typeof version === 'string' ? version : 'unknown';
  }
  return cached;
}

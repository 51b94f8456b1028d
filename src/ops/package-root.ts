/** The package's root directory (where package.json is), found upwards from this module: the same from src/ and dist/src/. */
import fs from 'node:fs';
import path from 'node:path';

const NAME = 'health-community-hub';
let cached: string | undefined;

export function packageRoot(): string {
  if (cached !== undefined) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && 'name' in parsed && parsed.name === NAME) return (cached = dir);
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the package.json of ${NAME} above ${__dirname}`);
  }
}

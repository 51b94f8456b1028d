/** Reads the implementation guide's FHIR JSON files (profiles/ and profiles/examples/). No indexing, no validation. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';

const MARKER = join('profiles', 'StructureDefinition-hub-patient.json');

/** The profiles/ directory of the project (searched upwards from this module, so it works from src and dist). */
export function defaultProfilesDir(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, MARKER))) {
      return join(dir, 'profiles');
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`cannot find ${MARKER} above ${__dirname}`);
    }
    dir = parent;
  }
}

function readJsonFiles(dir: string): Resource[] {
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Resource);
}

export interface IgFiles {
  /** Conformance resources in profiles/. */
  readonly definitions: Resource[];
  /** Example instances in profiles/examples/. */
  readonly examples: Resource[];
}

export function readIgFiles(dir: string = defaultProfilesDir()): IgFiles {
  return { definitions: readJsonFiles(dir), examples: readJsonFiles(join(dir, 'examples')) };
}

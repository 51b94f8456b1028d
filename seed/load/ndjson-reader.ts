/**
 * Reads transaction Bundles back from NDJSON (a file or stdin), one line at a time.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Bundle } from '@medplum/fhirtypes';

export async function* readNdjsonBundles(input: Readable | string): AsyncGenerator<Bundle> {
  const stream = typeof input === 'string' ? createReadStream(input, { encoding: 'utf8' }) : input;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') {
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new Error(`line ${lineNumber}: not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (typeof parsed !== 'object' || parsed === null || (parsed as { resourceType?: unknown }).resourceType !== 'Bundle') {
      throw new Error(`line ${lineNumber}: not a Bundle`);
    }
    yield parsed as Bundle;
  }
}

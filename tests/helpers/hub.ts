/** Starts a hub on a fresh embedded store in a temporary directory, for one test file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import type { Hub } from '../../src/app';
import { createHub } from '../../src/app';
import type { HubConfig } from '../../src/config';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import type { AccessPolicy } from '../../src/repository/access';

export const BASE = 'http://hub.test/fhir';
export const FHIR_JSON = 'application/fhir+json';

export interface TestHub {
  readonly hub: Hub;
  readonly api: supertest.Agent;
  readonly dataDir: string;
  close(): Promise<void>;
}

export function tempDir(prefix = 'hub-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startTestHub(overrides: Partial<HubConfig> = {}, options: { now?: () => Date; access?: AccessPolicy } = {}): Promise<TestHub> {
  const dataDir = overrides.dataDir ?? tempDir();
  // Tests of other capabilities run with HUB_AUTH=false (every request is an administrator); tests/security/* turn auth on.
  // Validation runs inline in most tests (a worker per test hub would only cost start-up time); tests/rest/validation-workers.test.ts covers the pool.
  const config: HubConfig = { ...loadConfig({}), baseUrl: BASE, dataDir, demo: false, logLevel: 'silent', fsync: false, validationWorkers: 0, auth: false, rateLimitPerMinute: 0, ...overrides };
  const hub = await createHub({ config, log: createLogger('silent'), now: options.now, access: options.access });
  return {
    hub,
    api: supertest.agent(hub.app),
    dataDir,
    async close() {
      await hub.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function patient(family = '王', given = ['小明'], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { resourceType: 'Patient', name: [{ family, given }], gender: 'male', birthDate: '1980-01-02', ...extra };
}

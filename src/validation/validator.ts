/**
 * Every create and update passes here:
 * 0. the envelope (resourceType, id, meta) the steps below read, so that they never see a misshapen one (envelope.ts);
 * 1. structure and value-set enums against the official R4 JSON Schema, with ajv (json-schema.ts);
 * 2. cardinality, types, invariants and required bindings against the R4 StructureDefinitions
 *    (@medplum/core) and every hub profile the resource claims in meta.profile — or, when hub profiles
 *    are mandatory, the one that covers it (src/profiles/implementation-guide.ts).
 * Issues at a path the schema already flagged are not repeated. Callers reject on any error.
 */
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { validateAgainstProfile, validateForWrite } from '../profiles/implementation-guide';
import { envelopeIssues } from './envelope';
import { validateJsonSchema } from './json-schema';
import { ValidationPool } from './pool';
import { warmValidation } from './warm-up';

export interface ResourceValidator {
  /** All issues; with `profile`, validation against that profile instead of the claimed ones. */
  validate(resource: Resource, options?: { profile?: string }): Promise<OperationOutcomeIssue[]>;
  /** Many at once, spread over every thread available (the calling one included). */
  validateMany(resources: readonly Resource[]): Promise<OperationOutcomeIssue[][]>;
  /**
   * Resolves once validation runs at normal speed: schemas compiled and lazily loaded definitions in memory,
   * on every thread that validates (warm-up.ts). The hub is not ready before (docs/operations.md#readiness).
   */
  warmUp?(): Promise<void>;
  /** Validations waiting for or running on worker threads (absent when validation runs inline). */
  queueDepth?(): number;
  close?(): Promise<void>;
}

export interface InlineValidator extends ResourceValidator {
  /** The same check on the calling thread. */
  validateNow(resource: Resource, options?: { profile?: string }): OperationOutcomeIssue[];
  warmUp(): Promise<void>;
}

export function isError(issue: OperationOutcomeIssue): boolean {
  return issue.severity === 'error' || issue.severity === 'fatal';
}

export function createValidator(options: { requireHubProfiles: boolean }): InlineValidator {
  const validateNow = (resource: Resource, opts: { profile?: string } = {}): OperationOutcomeIssue[] => {
      // The envelope first: the validators below read resourceType, id and meta.profile to pick what to check.
      const envelope = envelopeIssues(resource);
      if (envelope.length > 0) return envelope;
      const schema = validateJsonSchema(resource);
      const flagged = new Set(schema.flatMap((i) => i.expression ?? []));
      const rest = opts.profile ? validateAgainstProfile(resource, opts.profile) : validateForWrite(resource, { requireHubProfiles: options.requireHubProfiles });
      return [...schema, ...rest.filter((i) => !(i.expression ?? []).some((e) => flagged.has(e)))];
  };
  return {
    validateNow,
    warmUp: () => warmValidation((r) => validateNow(r)),
    validate: async (resource, opts) => validateNow(resource, opts),
    validateMany: async (resources) => resources.map((r) => validateNow(r)),
  };
}

/** Skips validation: only for trusted bulk imports of generated data (seed/cli.ts load --trusted). */
export const NO_VALIDATION: ResourceValidator = {
  validate: async () => [],
  validateMany: async (resources) => resources.map(() => []),
};

/**
 * Remembers issues by the exact JSON of the resource: a transaction Bundle validates its entries in
 * parallel before taking the store's writer, then its entries find their answers here.
 */
export function withRemembered(base: ResourceValidator, remembered: ReadonlyMap<string, OperationOutcomeIssue[]>): ResourceValidator {
  return {
    validate: (resource, opts) => {
      const known = opts?.profile ? undefined : remembered.get(JSON.stringify(resource));
      return known ? Promise.resolve(known) : base.validate(resource, opts);
    },
    validateMany: (resources) => base.validateMany(resources),
  };
}

/** Validation on `workers` threads (0: on the calling thread). */
export function createValidationService(options: { requireHubProfiles: boolean; workers: number }): ResourceValidator {
  const inline = createValidator(options);
  if (options.workers <= 0) return inline;
  const pool = new ValidationPool(options.workers, options.requireHubProfiles);
  return {
    validate: (resource, opts) => pool.validate(resource, opts?.profile),
    // Every (2 × workers + 1)th resource is validated here, the rest on the workers, all at the same time:
    // this thread also indexes and writes, so it takes the smaller share.
    async validateMany(resources) {
      const share = 2 * options.workers + 1;
      const onWorkers = resources.map((r, i) => (i % share === 0 ? undefined : pool.validate(r)));
      const here = resources.map((r, i) => (i % share === 0 ? inline.validateNow(r) : undefined));
      return Promise.all(resources.map((_, i) => here[i] ?? (onWorkers[i] as Promise<OperationOutcomeIssue[]>)));
    },
    // This thread validates a share of every Bundle (validateMany), so it warms too.
    warmUp: () => Promise.all([pool.warm(), inline.warmUp()]).then(() => undefined),
    queueDepth: () => pool.queued,
    close: () => pool.close(),
  };
}

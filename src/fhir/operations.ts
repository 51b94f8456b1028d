/**
 * The `$operation` registry: each operation lives in its own module under src/fhir/operations and
 * registers here with the levels it runs at. The router dispatches to it; the CapabilityStatement lists it.
 */
import type { RequestContext } from '../context';
import type { FhirRequest, FhirResponse } from './request';
import type { FhirServices } from './services';

export type OperationLevel = 'system' | 'type' | 'instance';

export interface OperationTarget {
  readonly level: OperationLevel;
  readonly resourceType?: string;
  readonly id?: string;
}

export interface OperationDefinitionRef {
  /** Without the `$`. */
  readonly name: string;
  readonly levels: readonly OperationLevel[];
  /** Resource types it applies to at type/instance level; undefined = all. */
  readonly resourceTypes?: readonly string[];
  /** Canonical OperationDefinition URL, for the CapabilityStatement. */
  readonly definition: string;
  /** Whether GET is allowed (operations without side effects). */
  readonly idempotent: boolean;
  handle(ctx: RequestContext, services: FhirServices, req: FhirRequest, target: OperationTarget): Promise<FhirResponse>;
}

export class OperationRegistry {
  private readonly ops = new Map<string, OperationDefinitionRef>();

  register(op: OperationDefinitionRef): this {
    this.ops.set(op.name, op);
    return this;
  }

  get(name: string): OperationDefinitionRef | undefined {
    return this.ops.get(name);
  }

  all(): OperationDefinitionRef[] {
    return [...this.ops.values()];
  }
}

/** Counts every FHIR interaction the router reports (src/fhir/observers.ts), Bundle entries included. */
import { isConcreteResourceType } from '../../fhir/resource-types';
import type { InteractionEvent, InteractionObserver } from '../../fhir/observers';
import type { Metrics } from './registry';

export class MetricsObserver implements InteractionObserver {
  constructor(private readonly metrics: Metrics) {}

  onInteraction(event: InteractionEvent): void {
    // A misspelt type in a URL must not become a label value: only R4's resource types do.
    const type = event.resourceType && isConcreteResourceType(event.resourceType) ? event.resourceType : '';
    this.metrics.fhir.interactions.inc({ interaction: event.interaction, resource_type: type, status: String(event.status) });
  }
}

/** What the FHIR interactions need, passed in by the composition root (src/app.ts). */
import type { AuthEndpoints } from '../auth/urls';
import type { ResourceAccess } from '../repository/repository';
import type { SearchService } from '../search/service';
import type { ResourceValidator } from '../validation/validator';

export interface FhirServices {
  readonly repo: ResourceAccess;
  readonly search: SearchService;
  readonly validator: ResourceValidator;
  /** Profiles of the implementation guide that apply to a resource type (for the CapabilityStatement). */
  readonly supportedProfiles: (resourceType: string) => readonly string[];
  readonly limits: {
    readonly maxBundleEntries: number;
  };
  /** The OAuth endpoints, for the CapabilityStatement's `rest.security`. */
  readonly authEndpoints?: AuthEndpoints;
}

/**
 * Custom SearchParameter resources: stored ones are loaded at start, and a write or delete of a
 * SearchParameter takes effect in the registry at once (for new writes; `$reindex` covers existing data).
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import type { RequestContext } from '../context';
import type { InteractionEvent, InteractionObserver } from '../fhir/observers';
import type { Repository } from '../repository/repository';
import type { CurrentDoc } from '../repository/documents';
import type { SearchParamRegistry } from './registry';

export async function loadStoredParameters(ctx: RequestContext, repo: Repository, registry: SearchParamRegistry): Promise<number> {
  let n = 0;
  for await (const doc of repo.reader(ctx).find('SearchParameter', { deleted: { $ne: true } })) {
    const sp = (doc as CurrentDoc).res as SearchParameter | undefined;
    if (sp && sp.status !== 'retired') {
      registry.add(sp);
      n++;
    }
  }
  return n;
}

export class CustomParameterObserver implements InteractionObserver {
  private readonly urls = new Map<string, string>();

  constructor(private readonly registry: SearchParamRegistry) {}

  onInteraction(event: InteractionEvent): void {
    if (event.resourceType !== 'SearchParameter' || event.status >= 400) return;
    const sp = event.resource as SearchParameter | undefined;
    if (sp?.resourceType === 'SearchParameter' && sp.id) {
      if (sp.url) this.urls.set(sp.id, sp.url);
      if (sp.status === 'retired' && sp.url) this.registry.remove(sp.url);
      else this.registry.add(sp);
    } else if (event.method === 'DELETE' && event.id) {
      const url = this.urls.get(event.id);
      if (url) this.registry.remove(url);
    }
  }
}

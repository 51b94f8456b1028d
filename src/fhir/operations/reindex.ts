/**
 * $reindex (system or type level, POST): recomputes the search index entries of stored resources with the
 * search parameters in force now — after a custom SearchParameter was added, existing data becomes
 * searchable by it. Runs in bounded batches; returns a Parameters with the count per type.
 */
import type { Parameters, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context';
import type { CurrentDoc } from '../../repository/documents';
import type { Repository } from '../../repository/repository';
import { indexResource } from '../../search/indexer';
import type { OperationDefinitionRef } from '../operations';
import { fail } from '../outcomes';
import { resourceTypes } from '../resource-types';

const BATCH = 500;

export async function reindexType(ctx: RequestContext, repo: Repository, type: string): Promise<number> {
  let count = 0;
  let after: string | undefined;
  for (;;) {
    const filter = after ? { _id: { $gt: after }, deleted: { $ne: true } } : { deleted: { $ne: true } };
    const docs: CurrentDoc[] = [];
    for await (const doc of repo.reader(ctx).find(type, filter, { sort: [['_id', 1]], limit: BATCH })) docs.push(doc as CurrentDoc);
    if (docs.length === 0) return count;
    await repo.engine.transaction(async (tx) => {
      for (const doc of docs) {
        const index = indexResource(doc.res as Resource, repo.registry, { baseUrl: ctx.baseUrl });
        // Only the index changes; the version stays (a reindex is not a new version of the resource).
        await tx.replaceIf(type, { ...doc, idx: index.idx, srt: index.srt, srd: index.srd, comp: index.comp }, 'vid', doc.vid);
      }
    });
    count += docs.length;
    after = docs[docs.length - 1]._id;
  }
}

export function reindexOperation(repo: Repository): OperationDefinitionRef {
  return {
    name: 'reindex',
    levels: ['system', 'type'],
    definition: 'https://fhir.health-community-hub.cn/OperationDefinition/reindex',
    idempotent: false,
    async handle(ctx, _services, req, target) {
      if (req.method !== 'POST') throw fail(405, 'not-supported', '$reindex is POST only');
      const types = target.resourceType ? [target.resourceType] : resourceTypes();
      const parameter: NonNullable<Parameters['parameter']> = [];
      for (const type of types) {
        const n = await reindexType(ctx, repo, type);
        if (n > 0 || target.resourceType) parameter.push({ name: 'reindexed', part: [{ name: 'type', valueCode: type }, { name: 'count', valueInteger: n }] });
      }
      return { status: 200, body: { resourceType: 'Parameters', parameter } };
    },
  };
}

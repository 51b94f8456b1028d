/**
 * mingo, configured to behave like a MongoDB server: strict MongoDB semantics and no server-side
 * JavaScript ($where / $function / $accumulator are refused).
 */
import { Aggregator, Query } from 'mingo';
import type { Doc, Filter, PipelineStage } from '../port';

const OPTIONS = { idKey: '_id', useStrictMode: true, scriptEnabled: false } as const;

export function compileFilter(filter: Filter): (doc: Doc) => boolean {
  if (Object.keys(filter).length === 0) {
    return () => true;
  }
  const query = new Query(filter, OPTIONS);
  return (doc) => query.test(doc);
}

/** The pipeline's results as they come: stages that can stream ($match, $project …) never hold the whole input. */
export function* runPipeline(source: Iterable<Doc>, pipeline: readonly PipelineStage[]): Generator<Doc> {
  const results = new Aggregator([...pipeline], OPTIONS).stream(source);
  for (let next = results.next(); !next.done; next = results.next()) yield next.value as Doc;
}

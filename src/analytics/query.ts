/**
 * How the indicators reach the data: aggregation pipelines through the storage port (`StoreReader.aggregate`),
 * with the caller's access scope merged into the first `$match` (so the embedded engine plans its indexes on
 * the whole condition, and a clinic's indicators only ever count what the clinic may see).
 */
import type { RepoReader } from '../repository/repository';
import { HISTORY } from '../repository/documents';
import type { Doc, Filter, PipelineStage, StoreReader } from '../store/port';

export interface Period {
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, exclusive. */
  readonly end: number;
}

export class IndicatorQuery {
  constructor(
    private readonly store: StoreReader,
    private readonly reader: RepoReader,
    /** Evaluation time (epoch ms). */
    readonly now: number,
  ) {}

  /** A pipeline over the current, live documents of `type` the caller may see. */
  run(type: string, match: Filter, stages: readonly PipelineStage[]): AsyncIterable<Doc> {
    const filter = this.reader.scoped(type, { $and: [{ deleted: { $ne: true } }, match] });
    return this.store.aggregate(type, [{ $match: filter }, ...stages]);
  }

  /** A pipeline over the stored versions (history) of `type` the caller may see. */
  history(type: string, match: Filter, stages: readonly PipelineStage[]): AsyncIterable<Doc> {
    const filter = this.reader.scoped(type, { $and: [{ t: type }, match] });
    return this.store.aggregate(HISTORY, [{ $match: filter }, ...stages]);
  }

  /** Directory data (Organization, PractitionerRole, HealthcareService): readable by every client. */
  directory(type: string, stages: readonly PipelineStage[]): AsyncIterable<Doc> {
    return this.store.aggregate(type, [{ $match: { deleted: { $ne: true } } }, ...stages]);
  }
}

/** `{ 'idx.<code>': { $elemMatch: { lo in [start, end) } } }`: a date parameter's value starts in the period. */
export function startsIn(code: string, period: Period): Filter {
  return { [`idx.${code}`]: { $elemMatch: { lo: { $gte: period.start, $lt: period.end } } } };
}

/** A token parameter has one of the codes (optionally of one system). */
export function tokenIn(code: string, codes: readonly string[], system?: string): Filter {
  const elem: Filter = { c: codes.length === 1 ? codes[0] : { $in: [...codes] } };
  if (system) elem.s = system;
  return { [`idx.${code}`]: { $elemMatch: elem } };
}

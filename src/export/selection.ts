/**
 * Which stored resources of one type an export reads: not deleted, changed after `_since`, in the level's
 * patients (all compartments for Patient/$export, the Group's member patients for Group/[id]/$export), and
 * matching any of the type's `_typeFilter` queries — compiled by the hub's SearchService with the caller's
 * reader, so chains and `_has` inside a filter see only what the caller may see. The repository then ANDs the
 * caller's access scope into the query (RepoReader.scoped).
 */
import type { Group } from '@medplum/fhirtypes';
import { fail } from '../fhir/outcomes';
import type { RepoReader } from '../repository/repository';
import type { CompileContext } from '../search/compile';
import { parseSearch } from '../search/parse';
import type { SearchService } from '../search/service';
import type { Filter } from '../store/port';
import type { ExportLevel, TypeFilter } from './job';

/** Search result parameters have no meaning in a `_typeFilter` (Bulk Data: `_include`, `_sort` … SHALL NOT be used). */
const RESULT_PARAMETERS = new Set(['_include', '_revinclude', '_sort', '_count', '_cursor', '_elements', '_summary', '_total', '_type', '_contained', '_containedType']);

/**
 * Parameters a de-identified export may not filter on: they would let a caller test names, numbers or
 * addresses of residents it may not see (one query per guess). Chains and `_has` are refused too.
 */
const IDENTIFYING_PARAMETERS = new Set([
  '_id', 'name', 'family', 'given', 'phonetic', 'identifier', 'telecom', 'phone', 'email', 'address', 'address-city',
  'address-country', 'address-postalcode', 'address-state', 'address-use', 'birthdate', 'death-date', '_text', '_content', '_filter',
]);

export interface SelectionInput {
  readonly level: ExportLevel;
  readonly groupId?: string;
  readonly sinceMs?: number;
  readonly typeFilters: readonly TypeFilter[];
  readonly deidentify: boolean;
  readonly lenient: boolean;
}

export class Selection {
  private patientRefs?: string[];

  constructor(
    private readonly search: SearchService,
    private readonly reader: RepoReader,
    private readonly input: SelectionInput,
    /** Where lenient handling notes what it ignored. */
    private readonly notes: string[] = [],
  ) {}

  /** Checks every `_typeFilter` query now (kick-off): 400 for what the hub cannot run. */
  async check(): Promise<void> {
    for (const f of this.input.typeFilters) await this.compile(f);
  }

  private async compile(f: TypeFilter): Promise<Filter> {
    const query = [...new URLSearchParams(f.query)];
    for (const [name] of query) {
      const base = name.split(':')[0].split('.')[0];
      if (RESULT_PARAMETERS.has(base)) throw fail(400, 'invalid', `_typeFilter ${f.type}?…: '${name}' is a result parameter and may not be used in a _typeFilter`);
      if (this.input.deidentify && (IDENTIFYING_PARAMETERS.has(base) || name.includes('.') || name.startsWith('_has'))) {
        throw fail(400, 'not-supported', `_typeFilter ${f.type}?…: a de-identified export may not filter on '${name}' (identifying data, chains and _has are refused)`);
      }
    }
    const req = parseSearch(query);
    const cc: CompileContext = { registry: this.search.registry, reader: this.reader, baseUrl: this.reader.ctx.baseUrl, now: this.reader.ctx.now().getTime(), strict: !this.input.lenient, warnings: [] };
    for (const name of req.unsupported) {
      if (!this.input.lenient) throw fail(400, 'not-supported', `_typeFilter ${f.type}?…: parameter '${name}' is not supported`);
      cc.warnings.push(`parameter '${name}' is not supported`);
    }
    const filter = await this.search.filterFor(cc, f.type, req);
    for (const w of cc.warnings) this.notes.push(`_typeFilter ${f.type}?…: ${w}; ignored (Prefer: handling=lenient)`);
    return filter;
  }

  /** The members of the Group (Patients only, inactive members left out), read through the caller's scope. */
  private async groupPatients(): Promise<string[]> {
    if (this.patientRefs) return this.patientRefs;
    const group = (await this.reader.read('Group', this.input.groupId ?? '')).resource as Group;
    const refs = new Set<string>();
    for (const m of group.member ?? []) {
      if (m.inactive) continue;
      const ref = m.entity?.reference ?? '';
      const match = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(ref);
      if (match) refs.add(`Patient/${match[1]}`);
    }
    this.patientRefs = [...refs];
    return this.patientRefs;
  }

  /** The query for one type (without the access scope, which the reader adds). */
  async filterFor(type: string): Promise<Filter> {
    const clauses: Filter[] = [{ deleted: { $ne: true } }];
    if (this.input.sinceMs !== undefined) clauses.push({ ts: { $gt: this.input.sinceMs } });
    if (this.input.level === 'patient' && type !== 'Patient') clauses.push({ 'comp.0': { $exists: true } });
    if (this.input.level === 'group') {
      const refs = await this.groupPatients();
      clauses.push(type === 'Patient' ? { _id: { $in: refs.map((r) => r.slice('Patient/'.length)) } } : { comp: { $in: refs } });
    }
    const filters = this.input.typeFilters.filter((f) => f.type === type);
    if (filters.length > 0) {
      const compiled = await Promise.all(filters.map((f) => this.compile(f)));
      clauses.push(compiled.length === 1 ? compiled[0] : { $or: compiled });
    }
    return clauses.length === 1 ? clauses[0] : { $and: clauses };
  }
}

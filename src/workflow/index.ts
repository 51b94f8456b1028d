/**
 * The workflow rules in force (docs/referral.md, docs/chronic-care.md): domain rules that check every change
 * before commit (src/rules/seam.ts), and write transforms that complete a version as it is stored. Each rule
 * lives in its own module under src/workflow/<capability>/.
 */
import type { WriteTransform } from '../repository/repository';
import type { DomainRule } from '../rules/seam';

export const DOMAIN_RULES: readonly DomainRule[] = [];

export const WRITE_TRANSFORMS: readonly WriteTransform[] = [];

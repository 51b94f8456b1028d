/** The codes the chronic-care workflow writes (profiles/CodeSystem-hub-task-code.json, -chronic-flag, -follow-up-status). */
import { CODE_SYSTEMS, IG_BASE } from '../../profiles/canonical';

export const HUB_TASK_CODE = CODE_SYSTEMS.hubTaskCode.url;
export const CHRONIC_FOLLOW_UP = 'chronic-follow-up';
export const FOLLOW_UP_STATUS = CODE_SYSTEMS.followUpStatus.url;
export const CHRONIC_FLAG = CODE_SYSTEMS.chronicFlag.url;
export const CARE_TEAM_CATEGORY_LOINC = 'http://loinc.org';
/** LOINC LA28865-6 "Longitudinal care-coordination focused care team": the family-doctor contract (家庭医生签约). */
export const FAMILY_DOCTOR_TEAM = 'LA28865-6';
/** LOINC LA27978-8 "Condition-focused care team": the care team of one program's CarePlan. */
export const PROGRAM_TEAM = 'LA27978-8';
export const FLAG_CATEGORY = 'http://terminology.hl7.org/CodeSystem/flag-category';
export const GOAL_ACHIEVEMENT = 'http://terminology.hl7.org/CodeSystem/goal-achievement';
export const LOINC_SYSTEM = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const CHRONIC_CAREPLAN_PROFILE = `${IG_BASE}/StructureDefinition/hub-chronic-careplan`;

export const FLAG_DISPLAY: Readonly<Record<string, string>> = CODE_SYSTEMS.chronicFlag.codes;

export const FOLLOW_UP_STATUS_DISPLAY = CODE_SYSTEMS.followUpStatus.codes;
export type FollowUpStatus = keyof typeof FOLLOW_UP_STATUS_DISPLAY;

export const coding = (system: string, code: string, display?: string) => (display === undefined ? { system, code } : { system, code, display });

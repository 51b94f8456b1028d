/**
 * The region's institutions: the health authority, the health community, the tertiary internet hospital
 * (departments as HealthcareServices, doctors, schedules and slots) and the primary clinics with their
 * family doctors. `buildDirectory` decides who is where (small, held in memory: it does not grow with the
 * number of residents); `infrastructureBundles` turns it into transaction Bundles.
 */
import type {
  Address, Bundle, BundleEntry, CodeableConcept, Coding, ContactPoint, Extension, HealthcareService, Location, Organization, Practitioner,
  PractitionerRole, Schedule, Slot,
} from '@medplum/fhirtypes';
import { CODE_SYSTEMS, EXTENSIONS, EXTERNAL_SYSTEMS, IDENTIFIER_SYSTEMS, PROFILES } from '../../src/profiles/canonical';
import type { RegionClock } from './clock';
import { GENERAL_PRACTICE, HOSPITAL_DEPARTMENTS, type Department } from './clinical-model';
import { DISTRICTS, REGION, allocateClinics, type District } from './districts';
import { HL7, concept, coding, meta, putEntry, ref, transaction } from './fhir-builders';
import { makeCreditCode, makeLandline, makeLicenceNumber } from './identifiers';
import { chooseName, type PersonName } from './names';
import type { ResolvedRegionOptions } from './options';
import { RegionIds, pad } from './options';
import { forkRng, type Rng } from './prng';

export interface Doctor {
  readonly practitionerId: string;
  readonly roleId: string;
  readonly name: PersonName;
  readonly gender: 'male' | 'female';
  readonly title: string;
  readonly licence: string;
  readonly phone: string;
}

export interface Clinic {
  /** 1-based. */
  readonly number: number;
  readonly id: string;
  readonly locationId: string;
  readonly serviceId: string;
  readonly name: string;
  readonly district: District;
  readonly subdistrict: string;
  readonly creditCode: string;
  readonly phone: string;
  readonly street: string;
  readonly doctors: readonly Doctor[];
}

export interface HospitalDepartment {
  readonly department: Department;
  readonly serviceId: string;
  readonly scheduleId: string;
  readonly doctors: readonly Doctor[];
}

export interface RegionDirectory {
  readonly ids: RegionIds;
  readonly hospitalName: string;
  readonly hospitalDistrict: District;
  readonly departments: readonly HospitalDepartment[];
  readonly clinics: readonly Clinic[];
  /** Indexes into `clinics` by district index (DISTRICTS order). */
  readonly clinicsByDistrict: ReadonlyArray<readonly number[]>;
}

const TERTIARY_HOSPITAL_NAME = '天津市海河中心医院';
const PHARMACY_NAME = '互联网医院药学部';
const HL7_ORGANIZATION_TYPE = 'http://terminology.hl7.org/CodeSystem/organization-type';
const HOSPITAL_NAME = '天津市海河中心医院互联网医院';
const HOSPITAL_DISTRICT = DISTRICTS[3]; // 南开区
const AUTHORITY_NAME = '天津市卫生健康委员会';
const COMMUNITY_NAME = '天津市海河医疗健康共同体';

const HOSPITAL_TITLES = ['主任医师', '副主任医师', '主治医师', '住院医师'];
const CLINIC_TITLES = ['副主任医师', '主治医师', '主治医师', '住院医师'];

function makeDoctor(rng: Rng, practitionerId: string, roleId: string, title: string): Doctor {
  const gender = rng.chance(0.55) ? 'female' : 'male';
  const age = rng.int(28, 60);
  const name = chooseName(rng, gender, 2026 - age);
  const licence = makeLicenceNumber(rng, 2026 - age + 25 + rng.int(0, 3));
  return { practitionerId, roleId, name, gender, title, licence, phone: makeLandline(rng) };
}

function clinicName(district: District, subdistrict: string, repeat: number): string {
  const ordinal = ['', '第二', '第三', '第四', '第五', '第六', '第七', '第八', '第九'];
  const base = `天津市${district.name}${subdistrict}`;
  if (repeat > 0) {
    return `${base}${ordinal[repeat] ?? `第${repeat + 1}`}社区卫生服务站`;
  }
  return subdistrict.endsWith('街') ? `${base}社区卫生服务中心` : `${base}卫生院`;
}

export function buildDirectory(options: ResolvedRegionOptions): RegionDirectory {
  const ids = new RegionIds(options.idPrefix);
  const departments = HOSPITAL_DEPARTMENTS.map((department): HospitalDepartment => {
    const rng = forkRng(options.seed, 'department', department.key);
    const doctors: Doctor[] = [];
    for (let n = 1; n <= options.doctorsPerDepartment; n++) {
      doctors.push(makeDoctor(rng, ids.hospitalDoctor(department.key, n), ids.hospitalRole(department.key, n),
        HOSPITAL_TITLES[Math.min(n - 1, HOSPITAL_TITLES.length - 1)]));
    }
    return { department, serviceId: ids.department(department.key), scheduleId: ids.schedule(department.key), doctors };
  });

  const perDistrict = allocateClinics(options.clinics);
  const clinics: Clinic[] = [];
  const clinicsByDistrict: number[][] = DISTRICTS.map(() => []);
  perDistrict.forEach((count, d) => {
    const district = DISTRICTS[d];
    for (let j = 0; j < count; j++) {
      const number = clinics.length + 1;
      const rng = forkRng(options.seed, 'clinic', number);
      const subdistrict = district.subdistricts[j % district.subdistricts.length];
      const repeat = Math.floor(j / district.subdistricts.length);
      const doctors: Doctor[] = [];
      for (let n = 1; n <= options.practitionersPerClinic; n++) {
        doctors.push(makeDoctor(rng, ids.clinicDoctor(number, n), ids.clinicRole(number, n),
          CLINIC_TITLES[Math.min(n - 1, CLINIC_TITLES.length - 1)]));
      }
      clinicsByDistrict[d].push(clinics.length);
      clinics.push({
        number,
        id: ids.clinic(number),
        locationId: ids.clinicLocation(number),
        serviceId: ids.clinicService(number),
        name: clinicName(district, subdistrict, repeat),
        district,
        subdistrict,
        creditCode: makeCreditCode(rng, '12', district.code),
        phone: makeLandline(rng),
        street: `${rng.int(1, 300)}号`,
        doctors,
      });
    }
  });
  return { ids, hospitalName: HOSPITAL_NAME, hospitalDistrict: HOSPITAL_DISTRICT, departments, clinics, clinicsByDistrict };
}

function divisionExtension(code: string): Extension {
  return { url: EXTENSIONS.administrativeDivision, valueCode: code };
}

function orgTypeCoding(code: keyof typeof CODE_SYSTEMS.organizationType.codes): Coding {
  return coding(CODE_SYSTEMS.organizationType.url, code, CODE_SYSTEMS.organizationType.codes[code]);
}

function orgType(code: keyof typeof CODE_SYSTEMS.organizationType.codes): CodeableConcept {
  return { coding: [orgTypeCoding(code)] };
}

function address(district: District | undefined, line: string, use: Address['use'] = 'work'): Address {
  const text = `天津市${district?.name ?? ''}${line}`;
  const a: Address = { use, type: 'physical', text, line: [line], city: REGION.name, state: REGION.name, country: 'CN' };
  if (district) {
    a.district = district.name;
    a.postalCode = district.postalCode;
  }
  return a;
}

function workPhone(value: string): ContactPoint[] {
  return [{ system: 'phone', value, use: 'work' }];
}

function practitioner(doctor: Doctor): Practitioner {
  return {
    resourceType: 'Practitioner',
    id: doctor.practitionerId,
    meta: meta(PROFILES.Practitioner),
    identifier: [{ use: 'official', system: IDENTIFIER_SYSTEMS.practitionerLicence, value: doctor.licence }],
    active: true,
    name: [{ use: 'official', text: doctor.name.text, family: doctor.name.family, given: [doctor.name.given] }],
    telecom: workPhone(doctor.phone),
    gender: doctor.gender,
    qualification: [{
      identifier: [{ system: IDENTIFIER_SYSTEMS.practitionerLicence, value: doctor.licence }],
      code: { coding: [coding('http://terminology.hl7.org/CodeSystem/v2-0360', 'MD', 'Doctor of Medicine')], text: '执业医师' },
      issuer: { display: AUTHORITY_NAME },
    }],
  };
}

function practitionerRole(
  doctor: Doctor, organizationId: string, organizationName: string, serviceId: string, locationId: string,
  specialty: { code: string; display: string }, roleText: string,
): PractitionerRole {
  return {
    resourceType: 'PractitionerRole',
    id: doctor.roleId,
    meta: meta(PROFILES.PractitionerRole),
    active: true,
    practitioner: ref('Practitioner', doctor.practitionerId, doctor.name.text),
    organization: ref('Organization', organizationId, organizationName),
    code: [
      { coding: [coding(HL7.practitionerRole, 'doctor', 'Doctor')], text: roleText },
      { text: doctor.title },
    ],
    specialty: [concept(EXTERNAL_SYSTEMS.specialty, specialty.code, specialty.display)],
    location: [ref('Location', locationId)],
    healthcareService: [ref('HealthcareService', serviceId)],
    telecom: workPhone(doctor.phone),
  };
}

const WEEKDAYS: NonNullable<HealthcareService['availableTime']>[number]['daysOfWeek'] = ['mon', 'tue', 'wed', 'thu', 'fri'];

function regionalOrganizations(dir: RegionDirectory, rng: Rng): BundleEntry[] {
  const { ids } = dir;
  const authority: Organization = {
    resourceType: 'Organization',
    id: ids.authority(),
    meta: meta(PROFILES.Organization),
    extension: [divisionExtension(REGION.code)],
    identifier: [{ use: 'official', system: IDENTIFIER_SYSTEMS.organizationCreditCode, value: makeCreditCode(rng, '11', REGION.code) }],
    active: true,
    type: [orgType('health-authority')],
    name: AUTHORITY_NAME,
    alias: ['天津市卫健委'],
    telecom: workPhone(`${REGION.phoneAreaCode}-${rng.int(2, 8)}${rng.digits(7)}`),
    address: [address(DISTRICTS[0], '贵州路94号')],
  };
  const community: Organization = {
    resourceType: 'Organization',
    id: ids.community(),
    meta: meta(PROFILES.Organization),
    extension: [divisionExtension(REGION.code)],
    identifier: [{ use: 'official', system: IDENTIFIER_SYSTEMS.organizationCreditCode, value: makeCreditCode(rng, '12', REGION.code) }],
    active: true,
    type: [{ coding: [coding(CODE_SYSTEMS.organizationType.url, 'health-community', CODE_SYSTEMS.organizationType.codes['health-community'])] }],
    name: COMMUNITY_NAME,
    partOf: ref('Organization', ids.authority(), AUTHORITY_NAME),
  };
  const hospitalExtensions = (): Extension[] => [
    divisionExtension(dir.hospitalDistrict.code),
    { url: EXTENSIONS.healthCommunity, valueReference: ref('Organization', ids.community(), COMMUNITY_NAME) },
  ];
  const level3 = coding(CODE_SYSTEMS.hospitalLevel.url, 'level-3', CODE_SYSTEMS.hospitalLevel.codes['level-3']);
  const hospitalPhone = `${REGION.phoneAreaCode}-${rng.int(2, 8)}${rng.digits(7)}`;
  // The profile allows one organization-type coding per Organization, so the tertiary hospital and its
  // internet hospital (a second licence of the same institution) are two Organizations.
  const tertiary: Organization = {
    resourceType: 'Organization',
    id: ids.tertiaryHospital(),
    meta: meta(PROFILES.Organization),
    extension: hospitalExtensions(),
    identifier: [{ use: 'official', system: IDENTIFIER_SYSTEMS.organizationCreditCode, value: makeCreditCode(rng, '12', dir.hospitalDistrict.code) }],
    active: true,
    type: [{ coding: [orgTypeCoding('tertiary-hospital'), level3] }],
    name: TERTIARY_HOSPITAL_NAME,
    alias: ['海河医院'],
    telecom: workPhone(hospitalPhone),
    address: [address(dir.hospitalDistrict, '鞍山西道188号')],
  };
  const hospital: Organization = {
    resourceType: 'Organization',
    id: ids.hospital(),
    meta: meta(PROFILES.Organization),
    extension: hospitalExtensions(),
    active: true,
    type: [{ coding: [orgTypeCoding('internet-hospital'), level3] }],
    name: dir.hospitalName,
    alias: ['海河互联网医院'],
    telecom: [...workPhone(hospitalPhone), { system: 'url', value: 'https://hospital.health-community-hub.cn', use: 'work' }],
    address: [address(dir.hospitalDistrict, '鞍山西道188号')],
    partOf: ref('Organization', ids.tertiaryHospital(), TERTIARY_HOSPITAL_NAME),
  };
  // The hospital pharmacy acts on its own in the community (it reviews and dispenses the hospital's
  // prescriptions), so it is an Organization of its own, part of the internet hospital. No random draws:
  // adding it leaves the rest of the region unchanged.
  const pharmacy: Organization = {
    resourceType: 'Organization',
    id: ids.hospitalPharmacy(),
    meta: meta(PROFILES.Organization),
    extension: hospitalExtensions(),
    active: true,
    type: [{ coding: [orgTypeCoding('hospital-department'), coding(HL7_ORGANIZATION_TYPE, 'dept', 'Hospital Department')] }],
    name: PHARMACY_NAME,
    telecom: workPhone(hospitalPhone),
    address: [address(dir.hospitalDistrict, '鞍山西道188号')],
    partOf: ref('Organization', ids.hospital(), dir.hospitalName),
  };
  const location: Location = {
    resourceType: 'Location',
    id: ids.hospitalLocation(),
    status: 'active',
    name: `${dir.hospitalName}门诊楼`,
    mode: 'instance',
    physicalType: concept(HL7.locationPhysicalType, 'bu', 'Building'),
    address: address(dir.hospitalDistrict, '鞍山西道188号'),
    position: { latitude: dir.hospitalDistrict.latitude, longitude: dir.hospitalDistrict.longitude },
    managingOrganization: ref('Organization', ids.tertiaryHospital(), TERTIARY_HOSPITAL_NAME),
  };
  const entries = [authority, community, tertiary, hospital, pharmacy, location].map(putEntry);
  for (const dept of dir.departments) {
    const d = dept.department;
    const service: HealthcareService = {
      resourceType: 'HealthcareService',
      id: dept.serviceId,
      meta: meta(PROFILES.HealthcareService),
      active: true,
      providedBy: ref('Organization', ids.hospital(), dir.hospitalName),
      specialty: [concept(EXTERNAL_SYSTEMS.specialty, d.specialty, d.specialtyName)],
      type: [{ text: `${d.name}门诊` }],
      location: [ref('Location', ids.hospitalLocation())],
      name: `${dir.hospitalName}${d.name}`,
      comment: `接收基层医疗卫生机构上转患者，提供互联网复诊`,
      telecom: workPhone(dept.doctors[0]?.phone ?? '022-23000000'),
      eligibility: d.accepts.map(([code, display]) => ({
        code: concept(EXTERNAL_SYSTEMS.icd10Clinical, code, display),
        comment: '接收转诊',
      })),
      characteristic: [{ text: '互联网复诊' }],
      referralMethod: [concept(HL7.referralMethod, 'elec', 'Secure Messaging')],
      appointmentRequired: true,
      availableTime: [{ daysOfWeek: WEEKDAYS, availableStartTime: '08:00:00', availableEndTime: '17:00:00' }],
    };
    entries.push(putEntry(service));
    for (const doctor of dept.doctors) {
      entries.push(putEntry(practitioner(doctor)));
      entries.push(putEntry(practitionerRole(doctor, ids.hospital(), dir.hospitalName, dept.serviceId, ids.hospitalLocation(),
        { code: d.specialty, display: d.specialtyName }, `${d.name}医师`)));
    }
  }
  return entries;
}

/** Morning and afternoon half-hour slots. */
const SLOT_TIMES: ReadonlyArray<readonly [number, number]> = [
  [8, 0], [8, 30], [9, 0], [9, 30], [10, 0], [10, 30], [11, 0], [13, 30], [14, 0], [14, 30], [15, 0], [15, 30], [16, 0],
];

function scheduleEntries(dir: RegionDirectory, clock: RegionClock, options: ResolvedRegionOptions): BundleEntry[] {
  const { ids } = dir;
  const entries: BundleEntry[] = [];
  for (const dept of dir.departments) {
    const d = dept.department;
    const rng = forkRng(options.seed, 'slots', d.key);
    const schedule: Schedule = {
      resourceType: 'Schedule',
      id: dept.scheduleId,
      active: true,
      specialty: [concept(EXTERNAL_SYSTEMS.specialty, d.specialty, d.specialtyName)],
      actor: [ref('HealthcareService', dept.serviceId, `${dir.hospitalName}${d.name}`)],
      planningHorizon: { start: clock.dateTime(clock.daysAfter(1)), end: clock.dateTime(clock.daysAfter(options.slotDays + 1)) },
      comment: `${d.name}专家门诊号源`,
    };
    entries.push(putEntry(schedule));
    for (let day = 1; day <= options.slotDays; day++) {
      const weekday = clock.weekday(clock.daysAfter(day));
      if (weekday === 0 || weekday === 6) {
        continue;
      }
      const busyShare = Math.max(0.05, 0.7 - 0.1 * day);
      for (const [h, m] of SLOT_TIMES) {
        const start = clock.daysAfter(day, h, m);
        const stamp = clock.dateTime(start).slice(0, 16).replace(/[-T:]/g, '');
        const slot: Slot = {
          resourceType: 'Slot',
          id: ids.slot(d.key, stamp),
          schedule: ref('Schedule', dept.scheduleId),
          specialty: [concept(EXTERNAL_SYSTEMS.specialty, d.specialty, d.specialtyName)],
          status: rng.chance(busyShare) ? 'busy' : 'free',
          start: clock.dateTime(start),
          end: clock.dateTime(start + 30 * 60_000),
        };
        entries.push(putEntry(slot));
      }
    }
  }
  return entries;
}

function clinicEntries(dir: RegionDirectory, clinic: Clinic): BundleEntry[] {
  const { ids } = dir;
  const line = `${clinic.subdistrict}${clinic.street}`;
  const organization: Organization = {
    resourceType: 'Organization',
    id: clinic.id,
    meta: meta(PROFILES.Organization),
    extension: [
      divisionExtension(clinic.district.code),
      { url: EXTENSIONS.healthCommunity, valueReference: ref('Organization', ids.community(), COMMUNITY_NAME) },
    ],
    identifier: [{ use: 'official', system: IDENTIFIER_SYSTEMS.organizationCreditCode, value: clinic.creditCode }],
    active: true,
    type: [orgType('primary-clinic')],
    name: clinic.name,
    telecom: workPhone(clinic.phone),
    address: [address(clinic.district, line)],
  };
  const location: Location = {
    resourceType: 'Location',
    id: clinic.locationId,
    status: 'active',
    name: clinic.name,
    mode: 'instance',
    physicalType: concept(HL7.locationPhysicalType, 'bu', 'Building'),
    address: address(clinic.district, line),
    position: {
      latitude: Math.round((clinic.district.latitude + ((clinic.number * 37) % 41 - 20) / 1000) * 1e6) / 1e6,
      longitude: Math.round((clinic.district.longitude + ((clinic.number * 53) % 43 - 21) / 1000) * 1e6) / 1e6,
    },
    managingOrganization: ref('Organization', clinic.id, clinic.name),
  };
  const service: HealthcareService = {
    resourceType: 'HealthcareService',
    id: clinic.serviceId,
    meta: meta(PROFILES.HealthcareService),
    active: true,
    providedBy: ref('Organization', clinic.id, clinic.name),
    specialty: [concept(EXTERNAL_SYSTEMS.specialty, GENERAL_PRACTICE.code, GENERAL_PRACTICE.display)],
    type: [{ text: '家庭医生签约与慢病管理' }],
    location: [ref('Location', clinic.locationId)],
    name: `${clinic.name}全科门诊`,
    telecom: workPhone(clinic.phone),
    eligibility: [
      { code: concept(EXTERNAL_SYSTEMS.icd10Clinical, 'I10', '原发性高血压'), comment: '接收下转及慢病随访' },
      { code: concept(EXTERNAL_SYSTEMS.icd10Clinical, 'E11.9', '2型糖尿病不伴有并发症'), comment: '接收下转及慢病随访' },
    ],
    characteristic: [{ text: '互联网随访' }],
    referralMethod: [concept(HL7.referralMethod, 'elec', 'Secure Messaging')],
    appointmentRequired: false,
    availableTime: [{ daysOfWeek: WEEKDAYS, availableStartTime: '08:00:00', availableEndTime: '17:00:00' }],
  };
  const entries = [putEntry(organization), putEntry(location), putEntry(service)];
  for (const doctor of clinic.doctors) {
    entries.push(putEntry(practitioner(doctor)));
    entries.push(putEntry(practitionerRole(doctor, clinic.id, clinic.name, clinic.serviceId, clinic.locationId,
      GENERAL_PRACTICE, '家庭医生')));
  }
  return entries;
}

const MAX_ENTRIES = 500;

/** Infrastructure as transaction Bundles, in dependency order (organizations before what references them). */
export function* infrastructureBundles(dir: RegionDirectory, clock: RegionClock, options: ResolvedRegionOptions): Generator<Bundle> {
  let n = 0;
  const bundleId = (): string => `${options.idPrefix}region-${options.seed}-infrastructure-${pad(++n, 4)}`;
  yield transaction(bundleId(), regionalOrganizations(dir, forkRng(options.seed, 'regional-organizations')));
  const slots = scheduleEntries(dir, clock, options);
  for (let i = 0; i < slots.length; i += MAX_ENTRIES) {
    yield transaction(bundleId(), slots.slice(i, i + MAX_ENTRIES));
  }
  for (let i = 0; i < dir.clinics.length; i += options.clinicsPerBundle) {
    const entries = dir.clinics.slice(i, i + options.clinicsPerBundle).flatMap((c) => clinicEntries(dir, c));
    yield transaction(bundleId(), entries);
  }
}

/** Exact number of infrastructure resources for the options. */
export function countInfrastructure(dir: RegionDirectory, clock: RegionClock, options: ResolvedRegionOptions): number {
  let weekdays = 0;
  for (let day = 1; day <= options.slotDays; day++) {
    const w = clock.weekday(clock.daysAfter(day));
    if (w !== 0 && w !== 6) {
      weekdays++;
    }
  }
  const departments = dir.departments.length;
  return 5 + departments * (2 + 2 * options.doctorsPerDepartment + weekdays * SLOT_TIMES.length)
    + dir.clinics.length * (3 + 2 * options.practitionersPerClinic);
}

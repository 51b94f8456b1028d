/** A resident's record: conditions, flags, care plans, medications, encounters, BP and glucose charts, referrals. */
import { Badge, Button, Grid, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import type { CarePlan, Condition, Encounter, Flag, MedicationRequest, Observation, Patient, ServiceRequest, Task } from '@medplum/fhirtypes';
import { read, search } from '../../fhir/client';
import { businessStatusOf, byRef, conceptText, LOINC, nameOf, refText, residentId } from '../../fhir/display';
import { Chart } from '../../components/Chart';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { useAsync } from '../../components/useAsync';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/messages';
import type { PageContext } from '../types';
import { argOf } from '../types';
import { directionOf } from './referrals';

const BP = `${LOINC}|85354-9`;
const GLUCOSE = [`${LOINC}|1558-6`, `${LOINC}|2339-0`, `${LOINC}|4548-4`].join(',');

function componentValue(o: Observation, code: string): number | undefined {
  return o.component?.find((c) => c.code?.coding?.some((x) => x.code === code))?.valueQuantity?.value;
}

function useSection<T>(load: () => Promise<T>, id: string) {
  return useAsync(load, [id]);
}

export function PatientRecordPage({ ctx }: { ctx: PageContext }) {
  const { t, date } = useI18n();
  const id = argOf(ctx, 'patient');
  const q = encodeURIComponent(id);
  const patient = useSection(() => read<Patient>(`Patient/${q}`), id);
  const conditions = useSection(() => search<Condition>(`Condition?patient=${q}&_count=50`), id);
  const flags = useSection(() => search<Flag>(`Flag?patient=${q}`).then((r) => ({ ...r, matches: r.matches.filter((f) => f.status === 'active') })), id);
  const plans = useSection(() => search<CarePlan>(`CarePlan?patient=${q}&_count=20`), id);
  const meds = useSection(() => search<MedicationRequest>(`MedicationRequest?patient=${q}&_sort=-authoredon&_count=20`), id);
  const encounters = useSection(() => search<Encounter>(`Encounter?patient=${q}&_sort=-date&_count=20`), id);
  const bp = useSection(() => search<Observation>(`Observation?patient=${q}&code=${encodeURIComponent(BP)}&_sort=date&_count=200`), id);
  const glucose = useSection(() => search<Observation>(`Observation?patient=${q}&code=${encodeURIComponent(GLUCOSE)}&_sort=date&_count=200`), id);
  const referrals = useSection(() => search<Task>(`Task?patient=${q}&code=${encodeURIComponent('http://hl7.org/fhir/CodeSystem/task-code|fulfill')}&_include=Task:focus&_count=50`), id);

  if (patient.error) {
    return (
      <Stack>
        <Title order={2}>{t('record.title')}</Title>
        <ErrorNotice error={patient.error} />
        <Button variant="default" component="a" href="#patients" w="fit-content">
          {t('app.back')}
        </Button>
      </Stack>
    );
  }
  const p = patient.data;
  const bpPoints = (bp.data?.matches ?? []).map((o) => ({ at: o.effectiveDateTime ?? '', sys: componentValue(o, '8480-6'), dia: componentValue(o, '8462-4') }));
  const gluPoints = (glucose.data?.matches ?? []).map((o) => ({ at: o.effectiveDateTime ?? '', v: o.valueQuantity?.value, unit: o.valueQuantity?.unit ?? '', name: conceptText(o.code) }));
  const srs = byRef<ServiceRequest>(referrals.data?.included ?? []);
  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2} data-testid="patient-name">
            {p ? nameOf(p) : t('app.loading')}
          </Title>
          {p ? (
            <Text c="dimmed">
              {t(`gender.${p.gender ?? 'unknown'}` as MessageKey)} · {date(p.birthDate)} · {residentId(p) ?? p.id} · {t('record.managing')} {refText(p.managingOrganization)}
            </Text>
          ) : null}
        </div>
        {ctx.session.role === 'clinic' ? (
          <Button component="a" href={`#refer/${q}`}>
            {t('record.referUp')}
          </Button>
        ) : null}
      </Group>
      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Section title={t('record.conditions')} loading={conditions.loading} error={conditions.error} empty={conditions.data?.matches.length === 0}>
            <List>
              {conditions.data?.matches.map((c) => (
                <List.Item key={c.id}>
                  {conceptText(c.code)} <Text span c="dimmed" size="sm">{date(c.onsetDateTime ?? c.recordedDate)}</Text>
                </List.Item>
              ))}
            </List>
          </Section>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Section title={t('record.flags')} loading={flags.loading} error={flags.error} empty={flags.data?.matches.length === 0}>
            <Group gap="xs">
              {flags.data?.matches.map((f) => (
                <Badge key={f.id} color="red" variant="light" size="lg">
                  {conceptText(f.code)}
                </Badge>
              ))}
            </Group>
          </Section>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Section title={t('record.bp')} loading={bp.loading} error={bp.error} empty={bpPoints.length === 0}>
            <Chart
              label={t('record.bp')}
              option={{
                tooltip: { trigger: 'axis' },
                legend: { data: [t('record.systolic'), t('record.diastolic')] },
                xAxis: { type: 'time' },
                yAxis: { type: 'value', min: 40, name: 'mmHg' },
                series: [
                  { name: t('record.systolic'), type: 'line', data: bpPoints.map((x) => [x.at, x.sys]), markLine: { silent: true, symbol: 'none', data: [{ yAxis: 140 }] } },
                  { name: t('record.diastolic'), type: 'line', data: bpPoints.map((x) => [x.at, x.dia]), markLine: { silent: true, symbol: 'none', data: [{ yAxis: 90 }] } },
                ],
              }}
            />
          </Section>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Section title={t('record.glucose')} loading={glucose.loading} error={glucose.error} empty={gluPoints.length === 0}>
            <Chart
              label={t('record.glucose')}
              option={{
                tooltip: { trigger: 'axis' },
                xAxis: { type: 'time' },
                yAxis: { type: 'value', name: gluPoints[0]?.unit ?? '' },
                series: [{ name: gluPoints[0]?.name ?? t('record.glucose'), type: 'line', data: gluPoints.map((x) => [x.at, x.v]) }],
              }}
            />
          </Section>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Section title={t('record.carePlans')} loading={plans.loading} error={plans.error} empty={plans.data?.matches.length === 0}>
            <List>
              {plans.data?.matches.map((c) => (
                <List.Item key={c.id}>
                  {c.title ?? conceptText(c.category?.[0])} <Badge variant="outline">{c.status}</Badge>
                </List.Item>
              ))}
            </List>
          </Section>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Section title={t('record.medications')} loading={meds.loading} error={meds.error} empty={meds.data?.matches.length === 0}>
            <List>
              {meds.data?.matches.map((m) => (
                <List.Item key={m.id}>
                  {conceptText(m.medicationCodeableConcept)} — {m.dosageInstruction?.[0]?.text ?? ''} <Badge variant="outline">{m.status}</Badge>
                </List.Item>
              ))}
            </List>
          </Section>
        </Grid.Col>
      </Grid>
      <Section title={t('record.encounters')} loading={encounters.loading} error={encounters.error} empty={encounters.data?.matches.length === 0}>
        <Table.ScrollContainer minWidth={520}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('record.date')}</Table.Th>
                <Table.Th>{t('record.item')}</Table.Th>
                <Table.Th>{t('referrals.to')}</Table.Th>
                <Table.Th>{t('record.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {encounters.data?.matches.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>{date(e.period?.start, true)}</Table.Td>
                  <Table.Td>{conceptText(e.type?.[0]) !== '—' ? conceptText(e.type?.[0]) : e.class?.display ?? e.class?.code}</Table.Td>
                  <Table.Td>{refText(e.serviceProvider)}</Table.Td>
                  <Table.Td>{e.status}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Section>
      <Section title={t('record.referrals')} loading={referrals.loading} error={referrals.error} empty={referrals.data?.matches.length === 0}>
        <List>
          {referrals.data?.matches.map((task) => {
            const sr = srs.get(task.focus?.reference ?? '');
            return (
              <List.Item key={task.id}>
                {t(directionOf(sr) === 'down' ? 'referrals.down' : 'referrals.up')} · {refText(task.requester)} → {refText(task.owner)} · <Badge variant="light">{businessStatusOf(task)}</Badge> {date(task.authoredOn)}
              </List.Item>
            );
          })}
        </List>
      </Section>
    </Stack>
  );
}

/**
 * Refer a resident up, prefilled from the record: the reason from the active conditions, the latest blood
 * pressure and glucose readings as supporting information. One transaction creates the ServiceRequest and
 * its Task (docs/demo.md §2); the hub routes it to a hospital service by its reason.
 */
import { useMemo, useState } from 'react';
import { Button, Checkbox, Group, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import type { Bundle, Condition, Observation, Patient } from '@medplum/fhirtypes';
import { read, search, transaction } from '../../fhir/client';
import { BUSINESS_STATUS, conceptText, LOINC, nameOf, REFERRAL_DIRECTION } from '../../fhir/display';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { useAsync } from '../../components/useAsync';
import { useI18n } from '../../i18n';
import type { PageContext } from '../types';
import { argOf } from '../types';

const IG = 'https://fhir.health-community-hub.cn';

export function ReferUpPage({ ctx }: { ctx: PageContext }) {
  const { t, date } = useI18n();
  const id = argOf(ctx, 'refer');
  const q = encodeURIComponent(id);
  const data = useAsync(async () => {
    const [patient, conditions, latest] = await Promise.all([
      read<Patient>(`Patient/${q}`),
      search<Condition>(`Condition?patient=${q}&clinical-status=active&_count=20`),
      search<Observation>(`Observation?patient=${q}&code=${encodeURIComponent(`${LOINC}|85354-9,${LOINC}|1558-6,${LOINC}|4548-4`)}&_sort=-date&_count=5`),
    ]);
    return { patient, conditions: conditions.matches, observations: latest.matches };
  }, [id]);
  const [reason, setReason] = useState<string | null>(null);
  const [priority, setPriority] = useState<string | null>('urgent');
  const [note, setNote] = useState('');
  const [attach, setAttach] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const conditions = useMemo(() => data.data?.conditions ?? [], [data.data]);
  const chosen = conditions.find((c) => c.id === (reason ?? conditions[0]?.id));

  const submit = async (): Promise<void> => {
    if (!chosen) return;
    setBusy(true);
    setError(undefined);
    const key = crypto.randomUUID();
    const sr = `urn:uuid:${crypto.randomUUID()}`;
    const now = new Date().toISOString();
    const supporting = (data.data?.observations ?? []).filter((o) => attach[o.id ?? ''] !== false).map((o) => ({ reference: `Observation/${o.id ?? ''}` }));
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: sr,
          resource: {
            resourceType: 'ServiceRequest',
            meta: { profile: [`${IG}/StructureDefinition/hub-referral-request`] },
            identifier: [{ system: `${IG}/console/referral`, value: key }],
            status: 'active',
            intent: 'order',
            category: [{ coding: [{ system: REFERRAL_DIRECTION, code: 'up', display: '上转' }] }],
            priority: (priority ?? 'routine') as 'routine',
            code: { coding: [{ system: 'http://snomed.info/sct', code: '3457005', display: 'Patient referral' }], text: '转诊' },
            subject: { reference: `Patient/${id}` },
            authoredOn: now,
            requester: { reference: ctx.session.organization },
            reasonCode: chosen.code ? [chosen.code] : undefined,
            reasonReference: [{ reference: `Condition/${chosen.id ?? ''}` }],
            supportingInfo: supporting.length ? supporting : undefined,
            note: note.trim() ? [{ text: note.trim() }] : undefined,
          },
          request: { method: 'POST', url: 'ServiceRequest', ifNoneExist: `identifier=${IG}/console/referral|${key}` },
        },
        {
          resource: {
            resourceType: 'Task',
            meta: { profile: [`${IG}/StructureDefinition/hub-referral-task`] },
            identifier: [{ system: `${IG}/console/referral-task`, value: key }],
            basedOn: [{ reference: sr }],
            status: 'requested',
            businessStatus: { coding: [{ system: BUSINESS_STATUS, code: 'submitted', display: '已提交' }] },
            intent: 'order',
            priority: (priority ?? 'routine') as 'routine',
            code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
            focus: { reference: sr },
            for: { reference: `Patient/${id}` },
            authoredOn: now,
            requester: { reference: ctx.session.organization },
          },
          request: { method: 'POST', url: 'Task', ifNoneExist: `identifier=${IG}/console/referral-task|${key}` },
        },
      ],
    };
    try {
      await transaction(bundle);
      ctx.go('referrals?sent=1');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack maw={760}>
      <Title order={2}>
        {t('record.referUp')} · {data.data ? nameOf(data.data.patient) : ''}
      </Title>
      {data.error ? <ErrorNotice error={data.error} /> : null}
      <Section title={t('referrals.reason')} loading={data.loading}>
        <Stack>
          <Select
            label={t('referrals.reason')}
            data={conditions.map((c) => ({ value: c.id ?? '', label: conceptText(c.code) }))}
            value={reason ?? conditions[0]?.id ?? null}
            onChange={setReason}
            allowDeselect={false}
          />
          <Select
            label={t('referrals.priority')}
            data={['routine', 'urgent', 'asap', 'stat'].map((p) => ({ value: p, label: t(`priority.${p}` as 'priority.routine') }))}
            value={priority}
            onChange={setPriority}
            allowDeselect={false}
          />
          <Textarea label={t('referrals.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={3} name="note" />
          <Text fw={600}>{t('referrals.supporting')}</Text>
          {(data.data?.observations ?? []).map((o) => (
            <Checkbox
              key={o.id}
              checked={attach[o.id ?? ''] !== false}
              onChange={(e) => setAttach({ ...attach, [o.id ?? '']: e.currentTarget.checked })}
              label={`${conceptText(o.code)} ${o.valueQuantity?.value ?? o.component?.map((c) => c.valueQuantity?.value).join('/') ?? ''} · ${date(o.effectiveDateTime)}`}
            />
          ))}
          {error ? <ErrorNotice error={error} onClose={() => setError(undefined)} /> : null}
          <Group>
            <Button onClick={() => void submit()} loading={busy} disabled={!chosen}>
              {t('referrals.submit')}
            </Button>
            <Button variant="default" component="a" href={`#patient/${q}`}>
              {t('app.cancel')}
            </Button>
          </Group>
        </Stack>
      </Section>
    </Stack>
  );
}

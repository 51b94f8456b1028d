/**
 * The hospital's referral worklist: referrals addressed to it, open ones first by priority and age, overdue
 * highlighted; a dialog per referral to accept, reject with a reason, book a slot, start, complete with an
 * outcome and refer back down with the care plan and medication.
 */
import { useState } from 'react';
import { Badge, Button, Divider, Group, Modal, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { CarePlan, MedicationRequest, Slot } from '@medplum/fhirtypes';
import { businessStatusOf, conceptText, nameOf, refText } from '../../fhir/display';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { useAsync } from '../../components/useAsync';
import { useI18n } from '../../i18n';
import type { Referral } from '../clinic/referrals';
import { byPriorityAndAge, directionOf, referrals } from '../clinic/referrals';
import { ReferralTable } from '../ReferralTable';
import type { PageContext } from '../types';
import { book, complete, freeSlots, handover, moveTo, referDown, reject } from './actions';

const OPEN = ['requested', 'received', 'accepted', 'in-progress', 'on-hold'];

function ReferralDialog({ r, organization, onClose, onChanged }: { r: Referral; organization: string; onClose: () => void; onChanged: () => void }) {
  const { t, date } = useI18n();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string>();
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState('');
  const [note, setNote] = useState('');
  const [slot, setSlot] = useState<string | null>(null);
  const [plan, setPlan] = useState<string | null>(null);
  const [med, setMed] = useState<string | null>(null);
  const slots = useAsync<Slot[]>(() => (r.task.status === 'accepted' || r.task.status === 'requested' ? freeSlots(r) : Promise.resolve([])), [r.task.id]);
  const up = directionOf(r.request) !== 'down';
  const hand = useAsync<{ plans: CarePlan[]; meds: MedicationRequest[] }>(() => (r.task.status === 'completed' && up ? handover(r) : Promise.resolve({ plans: [], meds: [] })), [r.task.id]);

  const run = (name: string, action: () => Promise<unknown>) => async (): Promise<void> => {
    setBusy(name);
    setError(undefined);
    try {
      await action();
      notifications.show({ message: t('app.done'), color: 'green' });
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };
  const s = r.task.status;
  return (
    <Modal opened onClose={onClose} title={`${r.patient ? nameOf(r.patient) : refText(r.task.for)} · ${businessStatusOf(r.task)}`} size="lg">
      <Stack>
        <Text size="sm">
          {refText(r.task.requester)} → {refText(r.task.owner)} · {conceptText(r.request?.reasonCode?.[0])} · {t('referrals.due')} {date(r.task.restriction?.period?.end, true)}
        </Text>
        {r.request?.note?.map((n, i) => (
          <Text key={i} size="sm" c="dimmed">
            {n.text}
          </Text>
        ))}
        {error ? <ErrorNotice error={error} onClose={() => setError(undefined)} /> : null}
        <Group>
          <Button onClick={() => void run('accept', () => moveTo(r, 'accepted'))()} loading={busy === 'accept'} disabled={s !== 'requested' && s !== 'received'}>
            {t('worklist.accept')}
          </Button>
          <Button variant="light" onClick={() => void run('start', () => moveTo(r, 'in-progress'))()} loading={busy === 'start'} disabled={s !== 'accepted'}>
            {t('worklist.start')}
          </Button>
          <Button variant="default" component="a" href={`#patient/${(r.task.for?.reference ?? '').replace('Patient/', '')}`} onClick={onClose}>
            {t('patients.open')}
          </Button>
        </Group>
        {s === 'requested' || s === 'received' ? (
          <>
            <Divider label={t('worklist.reject')} labelPosition="left" />
            <Textarea label={t('worklist.rejectReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} name="reject-reason" />
            <Button color="red" variant="light" w="fit-content" onClick={() => void run('reject', () => reject(r, reason))()} loading={busy === 'reject'}>
              {t('worklist.reject')}
            </Button>
          </>
        ) : null}
        {s === 'requested' || s === 'accepted' ? (
          <>
            <Divider label={t('worklist.book')} labelPosition="left" />
            {slots.error ? <ErrorNotice error={slots.error} /> : null}
            {slots.data && slots.data.length === 0 ? <Text c="dimmed">{t('worklist.noSlots')}</Text> : null}
            {slots.data && slots.data.length > 0 ? (
              <Group align="end">
                <Select label={t('worklist.slots')} data={slots.data.map((x) => ({ value: x.id ?? '', label: `${date(x.start, true)}` }))} value={slot} onChange={setSlot} />
                <Button
                  variant="light"
                  disabled={!slot}
                  loading={busy === 'book'}
                  onClick={() => void run('book', () => book(r, slots.data?.find((x) => x.id === slot) as Slot))()}
                >
                  {t('worklist.book')}
                </Button>
              </Group>
            ) : null}
          </>
        ) : null}
        {OPEN.includes(s ?? '') ? (
          <>
            <Divider label={t('worklist.complete')} labelPosition="left" />
            <Textarea label={t('worklist.outcome')} value={outcome} onChange={(e) => setOutcome(e.currentTarget.value)} name="outcome" />
            <Button w="fit-content" onClick={() => void run('complete', () => complete(r, organization, outcome))()} loading={busy === 'complete'}>
              {t('worklist.complete')}
            </Button>
          </>
        ) : null}
        {s === 'completed' && up ? (
          <>
            <Divider label={t('worklist.referDown')} labelPosition="left" />
            {hand.error ? <ErrorNotice error={hand.error} /> : null}
            <Select label={t('worklist.carePlan')} data={(hand.data?.plans ?? []).map((p) => ({ value: p.id ?? '', label: p.title ?? p.id ?? '' }))} value={plan ?? hand.data?.plans[0]?.id ?? null} onChange={setPlan} />
            <Select
              label={t('worklist.medication')}
              data={(hand.data?.meds ?? []).map((m) => ({ value: m.id ?? '', label: conceptText(m.medicationCodeableConcept) }))}
              value={med ?? hand.data?.meds[0]?.id ?? null}
              onChange={setMed}
            />
            <Textarea label={t('referrals.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} name="down-note" />
            <Button
              w="fit-content"
              loading={busy === 'down'}
              onClick={() =>
                void run('down', () =>
                  referDown(
                    r,
                    organization,
                    hand.data?.plans.find((p) => p.id === (plan ?? hand.data?.plans[0]?.id)),
                    hand.data?.meds.find((m) => m.id === (med ?? hand.data?.meds[0]?.id)),
                    note,
                  ),
                )()
              }
            >
              {t('worklist.referDown')}
            </Button>
          </>
        ) : null}
      </Stack>
    </Modal>
  );
}

export function WorklistPage({ ctx }: { ctx: PageContext }) {
  const { t } = useI18n();
  const org = encodeURIComponent(ctx.session.organization);
  const list = useAsync(async () => {
    const rows = await referrals(`owner=${org}&status=${[...OPEN, 'completed'].join(',')}&_sort=-_lastUpdated`);
    return {
      open: rows.filter((r) => OPEN.includes(r.task.status ?? '')).sort(byPriorityAndAge),
      done: rows.filter((r) => r.task.status === 'completed'),
    };
  }, [org]);
  const [selected, setSelected] = useState<Referral>();
  const overdue = list.data?.open.filter((r) => r.task.businessStatus?.coding?.some((c) => c.code === 'overdue')).length ?? 0;
  const pick = (r: Referral) => (
    <Button size="xs" variant="light" onClick={() => setSelected(r)} aria-label={`${t('worklist.details')} ${r.patient ? nameOf(r.patient) : ''}`}>
      {t('worklist.details')}
    </Button>
  );
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('worklist.title')}</Title>
        <Group gap="xs">
          <Badge size="lg" variant="light">
            {list.data?.open.length ?? 0}
          </Badge>
          <Badge size="lg" color="red" variant="light">
            {t('referrals.overdue')} {overdue}
          </Badge>
        </Group>
      </Group>
      <Section title={t('worklist.title')} loading={list.loading} error={list.error} empty={list.data?.open.length === 0}>
        <ReferralTable rows={list.data?.open ?? []} actions={pick} showAge />
      </Section>
      <Section title={t('exports.complete')} loading={list.loading} empty={list.data?.done.length === 0}>
        <ReferralTable rows={list.data?.done ?? []} actions={pick} />
      </Section>
      {selected ? (
        <ReferralDialog
          r={selected}
          organization={ctx.session.organization}
          onClose={() => setSelected(undefined)}
          onChanged={() => {
            setSelected(undefined);
            list.reload();
          }}
        />
      ) : null}
    </Stack>
  );
}

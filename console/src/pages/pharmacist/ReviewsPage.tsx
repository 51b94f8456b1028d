/**
 * The pharmacy's review queue (docs/prescriptions.md#review): review Tasks hub-task-code#prescription-review
 * owned by the pharmacy, with the prescription, the patient's allergies and conditions. Approving completes the
 * Task (the hub activates the prescription); rejecting needs a reason (the hub cancels the prescription).
 */
import { useState } from 'react';
import { Badge, Button, Card, Group, List, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { AllergyIntolerance, Condition, MedicationRequest, Patient, Task } from '@medplum/fhirtypes';
import type { PatchOp } from '../../fhir/client';
import { patch, search } from '../../fhir/client';
import { byRef, conceptText, HUB_TASK_CODE, nameOf, refText } from '../../fhir/display';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { useAsync } from '../../components/useAsync';
import { useI18n } from '../../i18n';
import type { PageContext } from '../types';

interface Review {
  readonly task: Task;
  readonly request?: MedicationRequest;
  readonly patient?: Patient;
}

function ReviewCard({ review, onDone }: { review: Review; onDone: () => void }) {
  const { t, date } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const patientId = encodeURIComponent((review.task.for?.reference ?? '').replace('Patient/', ''));
  const context = useAsync(async () => {
    const [allergies, conditions] = await Promise.all([search<AllergyIntolerance>(`AllergyIntolerance?patient=${patientId}`), search<Condition>(`Condition?patient=${patientId}&_count=20`)]);
    return { allergies: allergies.matches, conditions: conditions.matches };
  }, [review.task.id]);
  const decide = async (status: 'completed' | 'rejected'): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const ops: PatchOp[] = [{ op: 'replace', path: '/status', value: status }];
      if (status === 'rejected' && reason.trim()) ops.push({ op: 'add', path: '/statusReason', value: { text: reason.trim() } });
      await patch(`Task/${review.task.id ?? ''}`, ops, review.task.meta?.versionId);
      notifications.show({ message: t('app.done'), color: 'green' });
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const mr = review.request;
  return (
    <Card withBorder component="article" aria-label={`${t('reviews.drug')} ${conceptText(mr?.medicationCodeableConcept)}`}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} size="h5">
            {conceptText(mr?.medicationCodeableConcept)}
          </Title>
          <Badge variant="light">{review.task.status}</Badge>
        </Group>
        <Text size="sm">
          {review.patient ? nameOf(review.patient) : refText(review.task.for)} · {t('reviews.prescriber')} {refText(review.task.requester)} · {date(mr?.authoredOn ?? review.task.authoredOn, true)}
        </Text>
        <Text size="sm">
          {t('reviews.dosage')}: {mr?.dosageInstruction?.map((d) => d.text).filter(Boolean).join('；') || '—'}
        </Text>
        <Text size="sm">
          {t('referrals.reason')}: {mr?.reasonCode?.map((c) => conceptText(c)).join('，') || mr?.reasonReference?.map((r) => refText(r)).join('，') || '—'}
        </Text>
        {context.error ? <ErrorNotice error={context.error} /> : null}
        <Text size="sm" fw={600}>
          {t('reviews.allergies')}:{' '}
          {context.data ? (context.data.allergies.length ? context.data.allergies.map((a) => conceptText(a.code)).join('，') : t('app.none')) : '…'}
        </Text>
        <List size="sm">
          {context.data?.conditions.map((c) => (
            <List.Item key={c.id}>{conceptText(c.code)}</List.Item>
          ))}
        </List>
        {error ? <ErrorNotice error={error} onClose={() => setError(undefined)} /> : null}
        <Textarea label={t('reviews.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} name="review-reason" />
        <Group>
          <Button onClick={() => void decide('completed')} loading={busy}>
            {t('reviews.approve')}
          </Button>
          <Button color="red" variant="light" onClick={() => void decide('rejected')} loading={busy}>
            {t('reviews.reject')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function ReviewsPage({ ctx }: { ctx: PageContext }) {
  const { t } = useI18n();
  const org = encodeURIComponent(ctx.session.organization);
  const queue = useAsync(async () => {
    const res = await search<Task>(`Task?owner=${org}&code=${encodeURIComponent(`${HUB_TASK_CODE}|prescription-review`)}&status=requested,in-progress&_include=Task:focus&_include=Task:patient&_count=50`);
    const refs = byRef(res.included);
    return res.matches
      .map((task): Review => ({ task, request: refs.get(task.focus?.reference ?? '') as MedicationRequest | undefined, patient: refs.get(task.for?.reference ?? '') as Patient | undefined }))
      .sort((a, b) => (a.task.authoredOn ?? '').localeCompare(b.task.authoredOn ?? ''));
  }, [org]);
  return (
    <Stack>
      <Title order={2}>{t('reviews.title')}</Title>
      <Section title={t('reviews.title')} loading={queue.loading} error={queue.error} empty={queue.data?.length === 0}>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {queue.data?.map((r) => (
            <ReviewCard key={r.task.id} review={r} onDone={queue.reload} />
          ))}
        </SimpleGrid>
      </Section>
    </Stack>
  );
}

/** The clinic's referrals: drafts raised by the chronic-care rules to confirm or discard, sent up, received down. */
import { useState } from 'react';
import { Alert, Button, Group, Stack, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { patch } from '../../fhir/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { useAsync } from '../../components/useAsync';
import { useI18n } from '../../i18n';
import { ReferralTable } from '../ReferralTable';
import type { PageContext } from '../types';
import type { Referral } from './referrals';
import { referrals } from './referrals';

export function ReferralsPage({ ctx }: { ctx: PageContext }) {
  const { t } = useI18n();
  const org = encodeURIComponent(ctx.session.organization);
  const [error, setError] = useState<unknown>();
  const drafts = useAsync(() => referrals(`requester=${org}&status=draft`), [org]);
  const sent = useAsync(() => referrals(`requester=${org}&_sort=-_lastUpdated`).then((rows) => rows.filter((r) => r.task.status !== 'draft')), [org]);
  const received = useAsync(() => referrals(`owner=${org}&_sort=-_lastUpdated`), [org]);

  const move = async (r: Referral, status: string): Promise<void> => {
    setError(undefined);
    try {
      await patch(`Task/${r.task.id ?? ''}`, [{ op: 'replace', path: '/status', value: status }], r.task.meta?.versionId);
      notifications.show({ message: t('app.done'), color: 'green' });
      drafts.reload();
      sent.reload();
      received.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Stack>
      <Title order={2}>{t('nav.referrals')}</Title>
      {ctx.hash.includes('sent=1') ? (
        <Alert color="green" role="status" data-testid="sent-notice">
          {t('referrals.created')}
        </Alert>
      ) : null}
      {error ? <ErrorNotice error={error} onClose={() => setError(undefined)} /> : null}
      <Section title={t('referrals.drafts')} loading={drafts.loading} error={drafts.error} empty={drafts.data?.length === 0}>
        <ReferralTable
          rows={drafts.data ?? []}
          actions={(r) => (
            <Group gap="xs" wrap="nowrap">
              <Button size="xs" onClick={() => void move(r, 'requested')}>
                {t('referrals.confirm')}
              </Button>
              <Button size="xs" variant="default" onClick={() => void move(r, 'cancelled')}>
                {t('referrals.discard')}
              </Button>
            </Group>
          )}
        />
      </Section>
      <Section title={t('referrals.sentByUs')} loading={sent.loading} error={sent.error} empty={sent.data?.length === 0}>
        <ReferralTable rows={sent.data ?? []} />
      </Section>
      <Section title={t('referrals.toUs')} loading={received.loading} error={received.error} empty={received.data?.length === 0}>
        <ReferralTable
          rows={received.data ?? []}
          actions={(r) =>
            r.task.status === 'requested' || r.task.status === 'accepted' ? (
              <Button size="xs" onClick={() => void move(r, r.task.status === 'requested' ? 'accepted' : 'in-progress')}>
                {r.task.status === 'requested' ? t('worklist.accept') : t('worklist.start')}
              </Button>
            ) : null
          }
        />
      </Section>
    </Stack>
  );
}

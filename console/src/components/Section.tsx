import { Card, Group, Loader, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { ErrorNotice } from './ErrorNotice';

/** A titled card that shows loading, a refusal, "nothing here" or its content. */
export function Section({ title, loading, error, empty, children, actions }: { title: string; loading?: boolean; error?: unknown; empty?: boolean; children?: ReactNode; actions?: ReactNode }) {
  const { t } = useI18n();
  return (
    <Card withBorder padding="md" component="section" aria-label={title}>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {title}
        </Title>
        {actions}
      </Group>
      {loading ? <Loader size="sm" aria-label={t('app.loading')} /> : error ? <ErrorNotice error={error} /> : empty ? <Text c="dimmed">{t('app.none')}</Text> : children}
    </Card>
  );
}

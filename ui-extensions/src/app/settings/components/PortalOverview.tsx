// Backfill progress and the portal-wide summary (counts by status and by blocker).
import { Flex, ProgressBar, Statistics, StatisticsItem, Text } from '@hubspot/ui-extensions';
import { translate, type Lang } from '../../shared/i18n.ts';
import type { BackfillProgress, PortalSummary, Status } from '../../shared/types.ts';
import { label } from '../../shared/present.ts';

const STATUSES: Status[] = ['compliant', 'at_risk', 'blocked', 'expired'];

export function BackfillView({ lang, backfill }: { lang: Lang; backfill: BackfillProgress }) {
  const total = backfill.total ?? 0;
  const text = translate(lang, `settings.backfill.${backfill.state}`, { processed: backfill.processed, total: backfill.total ?? '?' });
  return (
    <Flex direction="column" gap="extra-small">
      <Text format={{ fontWeight: 'bold' }}>{translate(lang, 'settings.section.backfill')}</Text>
      {backfill.state === 'running' && total > 0 ? (
        <ProgressBar testId="backfill-progress" value={backfill.processed} maxValue={total} showPercentage title={text} />
      ) : null}
      <Text testId="backfill-text">{text}</Text>
    </Flex>
  );
}

export function SummaryView({ lang, summary }: { lang: Lang; summary: PortalSummary }) {
  const blockers = Object.entries(summary.byBlocker).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return (
    <Flex direction="column" gap="extra-small">
      <Text format={{ fontWeight: 'bold' }}>{translate(lang, 'settings.section.summary')}</Text>
      {summary.total === 0 ? <Text testId="summary-none">{translate(lang, 'settings.summary.none')}</Text> : (
        <>
          <Statistics testId="summary-stats">
            <StatisticsItem testId="summary-total" label={translate(lang, 'settings.summary.total')} number={String(summary.total)} />
            {STATUSES.map((s) => (
              <StatisticsItem key={s} testId={`summary-${s}`} label={label(lang, 'status', s)} number={String(summary.byStatus[s] ?? 0)} />
            ))}
          </Statistics>
          {blockers.length > 0 ? (
            <Text testId="summary-blockers">
              {translate(lang, 'settings.summary.blockers')}: {blockers.map(([b, n]) => `${label(lang, 'blocker', b)} ${n}`).join(' · ')}
            </Text>
          ) : null}
        </>
      )}
    </Flex>
  );
}

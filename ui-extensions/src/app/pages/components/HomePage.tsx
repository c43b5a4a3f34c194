// The dashboard's home page: reach per channel, statuses, blockers, source risk, retention (this month and the
// delete-now list), sequences blocked with the levers used, objections over time, and the requests in brief.
import {
  BarChart, Button, Divider, EmptyState, Flex, Heading, LineChart, ProgressBar, Statistics, StatisticsItem, Table, TableBody,
  TableCell, TableHead, TableHeader, TableRow, Tag, Text, Tile, useExtensionContext,
} from '@hubspot/ui-extensions';
import { PageBreadcrumbs, PageLink, PageTitle } from '@hubspot/ui-extensions/pages';
import { api } from '../../shared/api.ts';
import { formatDate, langFromLocale, translate, type Lang } from '../../shared/i18n.ts';
import { label } from '../../shared/present.ts';
import { CHANNELS, type DashboardHome } from '../../shared/types.ts';
import { useBackend } from '../hooks/useBackend.ts';
import { codeWord, formatDateTime, percent, word } from '../utils/words.ts';
import { PageError, PageLoading } from './PageState.tsx';

const STATUSES = ['compliant', 'at_risk', 'blocked', 'expired'] as const;
const RISKS = ['low', 'medium', 'high'] as const;

export function HomePage() {
  const context = useExtensionContext<'pages'>();
  const lang = langFromLocale(context.user.locale);
  const portalId = context.portal.id;
  const { state, reload } = useBackend(() => api.getDashboard(portalId), [portalId]);
  return (
    <Flex direction="column" gap="medium">
      <PageBreadcrumbs>
        <PageBreadcrumbs.Current>{word(lang, 'nav.home')}</PageBreadcrumbs.Current>
      </PageBreadcrumbs>
      <PageTitle>{word(lang, 'home.title')}</PageTitle>
      {state.kind === 'loading' ? <PageLoading lang={lang} testId="home-loading" /> : null}
      {state.kind === 'error' ? <PageError lang={lang} error={state.error} onRetry={reload} testId="home-error" /> : null}
      {state.kind === 'ready' ? <HomeFigures lang={lang} home={state.data} onRefresh={reload} /> : null}
    </Flex>
  );
}

export function HomeFigures({ lang, home, onRefresh }: { lang: Lang; home: DashboardHome; onRefresh: () => void }) {
  const { backfill } = home;
  return (
    <Flex direction="column" gap="medium">
      <Text>{word(lang, 'home.intro')}</Text>
      <Flex direction="row" gap="small" align="center">
        <Text variant="microcopy">{word(lang, 'common.updated', { at: formatDateTime(lang, home.generatedAt) })}</Text>
        <Button testId="home-refresh" size="extra-small" variant="secondary" onClick={onRefresh}>{word(lang, 'common.refresh')}</Button>
      </Flex>
      {backfill.state !== 'done' ? (
        <Text testId="home-backfill-text" variant="microcopy">
          {translate(lang, `settings.backfill.${backfill.state}`, { processed: backfill.processed, total: backfill.total ?? '?' })}
        </Text>
      ) : null}
      {backfill.state === 'running' && (backfill.total ?? 0) > 0 ? (
        <ProgressBar testId="home-backfill" value={backfill.processed} maxValue={backfill.total ?? 0} showPercentage
          title={word(lang, 'home.backfill', { processed: backfill.processed, total: backfill.total ?? '?' })} />
      ) : null}
      {home.total === 0 ? (
        <EmptyState testId="home-empty" title={word(lang, 'home.total')} layout="vertical"><Text>{word(lang, 'home.none')}</Text></EmptyState>
      ) : (
        <>
          <Statistics testId="home-stats">
            <StatisticsItem testId="home-total" label={word(lang, 'home.total')} number={home.total} />
            {STATUSES.map((s) => (
              <StatisticsItem key={s} testId={`home-status-${s}`} label={label(lang, 'status', s)} number={home.byStatus[s] ?? 0} />
            ))}
          </Statistics>
          <ReachTile lang={lang} home={home} />
          <Flex direction="row" gap="medium" wrap="wrap">
            <BlockersTile lang={lang} home={home} />
            <RiskTile lang={lang} home={home} />
          </Flex>
          <RetentionTile lang={lang} home={home} />
          <SequencesTile lang={lang} home={home} />
        </>
      )}
      <ObjectionsTile lang={lang} home={home} />
      <RequestsTile lang={lang} home={home} />
    </Flex>
  );
}

function ReachTile({ lang, home }: { lang: Lang; home: DashboardHome }) {
  const xLabel = word(lang, 'home.reach.channel');
  const yLabel = word(lang, 'home.reach.share');
  const data = CHANNELS.map((c) => ({ channel: label(lang, 'channel', c), share: percent(home.reachable[c] ?? 0, home.total) }));
  return (
    <Tile>
      <Heading>{word(lang, 'home.reach.title')}</Heading>
      <BarChart testId="chart-reach" data={data}
        axes={{ x: { field: 'channel', fieldType: 'category', label: xLabel }, y: { field: 'share', fieldType: 'linear', label: yLabel } }}
        options={{ showDataLabels: true, showTooltips: true, colorList: ['darkGreen'] }} />
      <Text variant="microcopy">{word(lang, 'home.reach.help')}</Text>
    </Tile>
  );
}

function BlockersTile({ lang, home }: { lang: Lang; home: DashboardHome }) {
  const blockers = Object.entries(home.byBlocker).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return (
    <Tile>
      <Heading>{word(lang, 'home.blockers.title')}</Heading>
      {blockers.length === 0 ? <Text testId="home-blockers-none">{word(lang, 'home.blockers.none')}</Text> : (
        <BarChart testId="chart-blockers"
          data={blockers.map(([b, n]) => ({ blocker: label(lang, 'blocker', b), contacts: n }))}
          axes={{ x: { field: 'blocker', fieldType: 'category', label: word(lang, 'home.blockers.title') }, y: { field: 'contacts', fieldType: 'linear', label: word(lang, 'home.status.count') } }}
          options={{ showDataLabels: true, colorList: ['darkOrange'] }} />
      )}
    </Tile>
  );
}

function RiskTile({ lang, home }: { lang: Lang; home: DashboardHome }) {
  return (
    <Tile>
      <Heading>{word(lang, 'home.risk.title')}</Heading>
      <Flex direction="row" gap="small" wrap="wrap">
        {RISKS.map((r) => (
          <Tag key={r} testId={`home-risk-${r}`} variant={r === 'high' ? 'error' : r === 'medium' ? 'warning' : 'success'}>
            {`${label(lang, 'risk', r)}: ${home.bySourceRisk[r] ?? 0}`}
          </Tag>
        ))}
      </Flex>
      <Text variant="microcopy">{word(lang, 'home.risk.help')}</Text>
    </Tile>
  );
}

function RetentionTile({ lang, home }: { lang: Lang; home: DashboardHome }) {
  const { deleteNow } = home;
  const more = deleteNow.count - deleteNow.contacts.length;
  return (
    <Tile>
      <Heading>{word(lang, 'home.expiry.title')}</Heading>
      <Statistics>
        <StatisticsItem testId="home-expiring" label={word(lang, 'home.expiry.month')} number={home.expiringThisMonth.count} />
        <StatisticsItem testId="home-delete-now" label={word(lang, 'home.expiry.deleteNow')} number={deleteNow.count} />
      </Statistics>
      {deleteNow.count === 0 ? <Text>{word(lang, 'home.expiry.none')}</Text> : (
        <Flex direction="column" gap="extra-small">
          <Text variant="microcopy">{word(lang, 'home.expiry.list')}</Text>
          <Text testId="home-delete-list">
            {deleteNow.contacts.map((c) => `${c.contactId} (${formatDate(lang, c.expiredOn)})`).join(' · ')}
            {more > 0 ? ` ${word(lang, 'home.expiry.more', { n: more })}` : ''}
          </Text>
        </Flex>
      )}
    </Tile>
  );
}

function SequencesTile({ lang, home }: { lang: Lang; home: DashboardHome }) {
  const { sequences } = home;
  return (
    <Tile>
      <Heading>{word(lang, 'home.sequences.title')}</Heading>
      <Statistics>
        <StatisticsItem testId="home-sequences-blocked" label={word(lang, 'home.sequences.blocked')} number={sequences.blocked} />
      </Statistics>
      {sequences.levers.length === 0 ? <Text>{word(lang, 'home.sequences.none')}</Text> : (
        <Table testId="home-levers" bordered density="condensed">
          <TableHead>
            <TableRow>
              <TableHeader>{word(lang, 'home.sequences.lever')}</TableHeader>
              <TableHeader>{word(lang, 'home.sequences.status')}</TableHeader>
              <TableHeader align="right">{word(lang, 'home.sequences.count')}</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {sequences.levers.map((l) => (
              <TableRow key={`${l.lever}:${l.status}`}>
                <TableCell>{codeWord(lang, 'lever', l.lever)}</TableCell>
                <TableCell>{codeWord(lang, 'leverStatus', l.status)}</TableCell>
                <TableCell align="right">{String(l.count)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Tile>
  );
}

function ObjectionsTile({ lang, home }: { lang: Lang; home: DashboardHome }) {
  return (
    <Tile>
      <Heading>{word(lang, 'home.objections.title')}</Heading>
      <LineChart testId="chart-objections" data={home.objections.map((m) => ({ month: m.month, objections: m.count }))}
        axes={{ x: { field: 'month', fieldType: 'category', label: word(lang, 'home.objections.month') }, y: { field: 'objections', fieldType: 'linear', label: word(lang, 'home.objections.count') } }}
        options={{ showTooltips: true, colorList: ['darkPink'] }} />
    </Tile>
  );
}

function RequestsTile({ lang, home }: { lang: Lang; home: DashboardHome }) {
  return (
    <Tile>
      <Heading>{word(lang, 'home.requests.title')}</Heading>
      <Statistics>
        <StatisticsItem testId="home-requests-open" label={word(lang, 'home.requests.open')} number={home.requests.open} />
        <StatisticsItem testId="home-requests-late" label={word(lang, 'home.requests.late')} number={home.requests.late} />
      </Statistics>
      <Divider />
      <PageLink to="/requests" params={home.requests.late > 0 ? { late: '1' } : {}}>{word(lang, 'home.requests.link')}</PageLink>
    </Tile>
  );
}

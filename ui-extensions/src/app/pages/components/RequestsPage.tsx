// Every access, erasure, objection and rectification request with its deadline, late ones first; filters by
// kind, status and lateness (the route's `late=1` parameter opens it filtered, from the home page's link).
import { useState } from 'react';
import {
  Checkbox, Flex, Select, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Tag, Text, useExtensionContext,
} from '@hubspot/ui-extensions';
import { PageBreadcrumbs, PageTitle, usePageRoute } from '@hubspot/ui-extensions/pages';
import { api } from '../../shared/api.ts';
import { formatDate, langFromLocale, type Lang } from '../../shared/i18n.ts';
import type { DashboardRequest, DashboardRequests, RequestFilter, RequestKind, RequestStatus } from '../../shared/types.ts';
import { useBackend } from '../hooks/useBackend.ts';
import { codeWord, word } from '../utils/words.ts';
import { PageError, PageLoading } from './PageState.tsx';

const KINDS: RequestKind[] = ['access', 'erasure', 'objection', 'rectification'];
const STATUSES: Array<'pending' | RequestStatus> = ['pending', 'open', 'extended', 'closed', 'rejected'];

export function RequestsPage() {
  const context = useExtensionContext<'pages'>();
  const lang = langFromLocale(context.user.locale);
  const portalId = context.portal.id;
  const route = usePageRoute();
  const [filter, setFilter] = useState<RequestFilter>(route.params.late === '1' ? { lateOnly: true } : {});
  const { state, reload } = useBackend(() => api.getRequests(portalId, filter), [portalId, filter.kind, filter.status, filter.lateOnly]);
  const set = (patch: Partial<RequestFilter>) => setFilter((f) => {
    const next: RequestFilter = { ...f, ...patch };
    for (const k of Object.keys(next) as Array<keyof RequestFilter>) if (next[k] === undefined || next[k] === false) delete next[k];
    return next;
  });
  return (
    <Flex direction="column" gap="medium">
      <PageBreadcrumbs>
        <PageBreadcrumbs.PageLink to="/">{word(lang, 'nav.home')}</PageBreadcrumbs.PageLink>
        <PageBreadcrumbs.Current>{word(lang, 'nav.requests')}</PageBreadcrumbs.Current>
      </PageBreadcrumbs>
      <PageTitle>{word(lang, 'requests.title')}</PageTitle>
      <Text>{word(lang, 'requests.intro')}</Text>
      <Flex direction="row" gap="medium" align="end" wrap="wrap">
        <Select testId="filter-kind" name="kind" label={word(lang, 'requests.filter.kind')} value={filter.kind ?? ''}
          options={[{ value: '', label: word(lang, 'requests.filter.all') }, ...KINDS.map((k) => ({ value: k, label: codeWord(lang, 'kind', k) }))]}
          onChange={(v) => set({ kind: v ? (v as RequestKind) : undefined })} />
        <Select testId="filter-status" name="status" label={word(lang, 'requests.filter.status')} value={filter.status ?? ''}
          options={[{ value: '', label: word(lang, 'requests.filter.all') }, ...STATUSES.map((s) => ({ value: s, label: codeWord(lang, 'reqStatus', s) }))]}
          onChange={(v) => set({ status: v ? (v as RequestFilter['status']) : undefined })} />
        <Checkbox testId="filter-late" name="late" checked={filter.lateOnly === true} onChange={(checked) => set({ lateOnly: checked })}>
          {word(lang, 'requests.filter.lateOnly')}
        </Checkbox>
      </Flex>
      {state.kind === 'loading' ? <PageLoading lang={lang} testId="requests-loading" /> : null}
      {state.kind === 'error' ? <PageError lang={lang} error={state.error} onRetry={reload} testId="requests-error" /> : null}
      {state.kind === 'ready' ? <RequestsTable lang={lang} data={state.data} /> : null}
    </Flex>
  );
}

function deadlineTag(lang: Lang, r: DashboardRequest) {
  if (r.status === 'closed' || r.status === 'rejected') return <Text>{formatDate(lang, r.dueAt)}</Text>;
  return (
    <Flex direction="row" gap="extra-small" align="center">
      <Text>{formatDate(lang, r.dueAt)}</Text>
      <Tag variant={r.late ? 'error' : r.daysLeft <= 7 ? 'warning' : 'default'}>
        {r.late ? word(lang, 'requests.late', { n: -r.daysLeft }) : word(lang, 'requests.left', { n: r.daysLeft })}
      </Tag>
    </Flex>
  );
}

export function RequestsTable({ lang, data }: { lang: Lang; data: DashboardRequests }) {
  return (
    <Flex direction="column" gap="small">
      <Text testId="requests-counts" format={{ fontWeight: 'demibold' }}>{word(lang, 'requests.counts', { total: data.counts.total, pending: data.counts.pending, late: data.counts.late })}</Text>
      {data.requests.length === 0 ? <Text testId="requests-none">{word(lang, 'requests.none')}</Text> : (
        <Table testId="requests-table" bordered>
          <TableHead>
            <TableRow>
              <TableHeader>{word(lang, 'requests.col.kind')}</TableHeader>
              <TableHeader>{word(lang, 'requests.col.contact')}</TableHeader>
              <TableHeader>{word(lang, 'requests.col.received')}</TableHeader>
              <TableHeader>{word(lang, 'requests.col.due')}</TableHeader>
              <TableHeader>{word(lang, 'requests.col.status')}</TableHeader>
              <TableHeader>{word(lang, 'requests.col.origin')}</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {data.requests.map((r) => (
              <TableRow key={r.id}>
                <TableCell>{codeWord(lang, 'kind', r.kind)}</TableCell>
                <TableCell>{r.contactId ?? '—'}</TableCell>
                <TableCell>{formatDate(lang, r.receivedAt)}</TableCell>
                <TableCell>{deadlineTag(lang, r)}</TableCell>
                <TableCell>{codeWord(lang, 'reqStatus', r.status)}</TableCell>
                <TableCell>{r.origin}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {data.truncated ? <Text variant="microcopy">{word(lang, 'requests.truncated', { n: data.requests.length })}</Text> : null}
    </Flex>
  );
}

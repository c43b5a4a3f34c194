// The evidence ledger: size and period, the last verification (run on demand here, recorded by the backend),
// entries by kind, and short-lived links to the readable report, plus the command-line equivalents.
import { useState } from 'react';
import {
  Alert, Button, Flex, Link, Statistics, StatisticsItem, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Text, Tile,
  Heading, useExtensionContext,
} from '@hubspot/ui-extensions';
import { PageBreadcrumbs, PageTitle } from '@hubspot/ui-extensions/pages';
import { api } from '../../shared/api.ts';
import { formatDate, langFromLocale, type Lang } from '../../shared/i18n.ts';
import type { ApiError, DashboardEvidence, LedgerVerificationRecord } from '../../shared/types.ts';
import { useBackend } from '../hooks/useBackend.ts';
import { codeWord, formatDateTime, word } from '../utils/words.ts';
import { PageError, PageLoading } from './PageState.tsx';

export function EvidencePage() {
  const context = useExtensionContext<'pages'>();
  const lang = langFromLocale(context.user.locale);
  const portalId = context.portal.id;
  const { state, reload } = useBackend(() => api.getEvidence(portalId), [portalId]);
  const [verify, setVerify] = useState<{ kind: 'idle' } | { kind: 'running' } | { kind: 'done'; v: LedgerVerificationRecord } | { kind: 'failed'; error: ApiError }>({ kind: 'idle' });
  const runVerify = () => {
    setVerify({ kind: 'running' });
    void api.verifyLedger(portalId).then((r) => setVerify(r.ok ? { kind: 'done', v: r.data.verification } : { kind: 'failed', error: r.error }));
  };
  return (
    <Flex direction="column" gap="medium">
      <PageBreadcrumbs>
        <PageBreadcrumbs.PageLink to="/">{word(lang, 'nav.home')}</PageBreadcrumbs.PageLink>
        <PageBreadcrumbs.Current>{word(lang, 'nav.evidence')}</PageBreadcrumbs.Current>
      </PageBreadcrumbs>
      <PageTitle>{word(lang, 'evidence.title')}</PageTitle>
      <Text>{word(lang, 'evidence.intro')}</Text>
      {state.kind === 'loading' ? <PageLoading lang={lang} testId="evidence-loading" /> : null}
      {state.kind === 'error' ? <PageError lang={lang} error={state.error} onRetry={reload} testId="evidence-error" /> : null}
      {state.kind === 'ready' ? (
        <EvidenceView lang={lang} evidence={state.data}
          verification={verify.kind === 'done' ? verify.v : state.data.lastVerification}
          verifying={verify.kind === 'running'} verifyError={verify.kind === 'failed' ? verify.error : null} onVerify={runVerify} />
      ) : null}
    </Flex>
  );
}

export function EvidenceView({ lang, evidence, verification, verifying, verifyError, onVerify }: {
  lang: Lang; evidence: DashboardEvidence; verification: LedgerVerificationRecord | null; verifying: boolean; verifyError: ApiError | null; onVerify: () => void;
}) {
  const kinds = Object.entries(evidence.byKind).sort((a, b) => b[1] - a[1]);
  return (
    <Flex direction="column" gap="medium">
      <Statistics>
        <StatisticsItem testId="evidence-entries" label={word(lang, 'evidence.entries')} number={evidence.entries} />
      </Statistics>
      {evidence.firstAt && evidence.lastAt ? (
        <Text>{word(lang, 'evidence.period', { first: formatDate(lang, evidence.firstAt), last: formatDate(lang, evidence.lastAt) })}</Text>
      ) : null}
      <Text variant="microcopy">{word(lang, 'evidence.head', { seq: evidence.head.seq, hash: evidence.head.hash })}</Text>
      {verification === null ? <Alert testId="evidence-never" variant="info" title={word(lang, 'evidence.never')}>{''}</Alert> : verification.ok ? (
        <Alert testId="evidence-ok" variant="success" title={word(lang, 'evidence.ok', { entries: verification.entries, at: formatDateTime(lang, verification.verifiedAt) })}>{''}</Alert>
      ) : (
        <Alert testId="evidence-broken" variant="error"
          title={word(lang, 'evidence.broken', { seq: verification.brokenAtSeq ?? '?', reason: verification.reason ?? '', at: formatDateTime(lang, verification.verifiedAt) })}>{''}</Alert>
      )}
      {verifyError ? <Alert testId="evidence-verify-failed" variant="error" title={word(lang, 'common.error')}>{verifyError.message}</Alert> : null}
      <Flex direction="row">
        <Button testId="evidence-verify" variant="primary" disabled={verifying} onClick={onVerify}>
          {verifying ? word(lang, 'evidence.verifying') : word(lang, 'evidence.verify')}
        </Button>
      </Flex>
      {kinds.length > 0 ? (
        <Tile>
          <Heading>{word(lang, 'evidence.byKind')}</Heading>
          <Table testId="evidence-kinds" bordered density="condensed">
            <TableHead>
              <TableRow>
                <TableHeader>{word(lang, 'evidence.kind')}</TableHeader>
                <TableHeader align="right">{word(lang, 'evidence.count')}</TableHeader>
              </TableRow>
            </TableHead>
            <TableBody>
              {kinds.map(([k, n]) => (
                <TableRow key={k}><TableCell>{codeWord(lang, 'ledgerKind', k)}</TableCell><TableCell align="right">{String(n)}</TableCell></TableRow>
              ))}
            </TableBody>
          </Table>
        </Tile>
      ) : null}
      <Tile>
        <Heading>{word(lang, 'evidence.reports')}</Heading>
        <Flex direction="column" gap="extra-small">
          <Link testId="evidence-report-en" href={{ url: evidence.reports.html.en, external: true }}>{word(lang, 'evidence.report.en')}</Link>
          <Link testId="evidence-report-fr" href={{ url: evidence.reports.html.fr, external: true }}>{word(lang, 'evidence.report.fr')}</Link>
          <Text variant="microcopy">{word(lang, 'evidence.report.expires', { at: formatDateTime(lang, evidence.reports.expiresAt) })}</Text>
          <Text variant="microcopy">{word(lang, 'evidence.cli')}</Text>
          <Text testId="evidence-cli" format={{ fontWeight: 'demibold' }}>{`${evidence.commands.verify} · ${evidence.commands.export}`}</Text>
        </Flex>
      </Tile>
    </Flex>
  );
}

// The contact card: loading, error (with retry), not-judged (empty) and verdict states.
import { Alert, Button, Divider, EmptyState, ErrorState, Flex, LoadingSpinner, Text, useExtensionContext } from '@hubspot/ui-extensions';
import { api } from '../../shared/api.ts';
import { langFromLocale, translate } from '../../shared/i18n.ts';
import { LeversList } from '../../shared/LeversList.tsx';
import { useCardData } from '../hooks/useCardData.ts';
import { CardActions } from './CardActions.tsx';
import { RecordDetails } from './RecordDetails.tsx';
import { VerdictSummary } from './VerdictSummary.tsx';

export function ComplianceCardView() {
  const context = useExtensionContext<'crm.record.sidebar'>();
  const lang = langFromLocale(context.user.locale);
  const portalId = context.portal.id;
  const contactId = context.crm.objectId;
  const { state, reload, replace } = useCardData(portalId, contactId);

  if (state.kind === 'loading') return <LoadingSpinner testId="card-loading" label={translate(lang, 'card.loading')} layout="centered" />;
  if (state.kind === 'error') {
    return (
      <ErrorState testId="card-error" title={translate(lang, 'card.error.title')}>
        <Text testId="card-error-message">{lang === 'fr' && state.error.messageFr ? state.error.messageFr : state.error.message}</Text>
        <Button testId="card-retry" variant="primary" onClick={reload}>{translate(lang, 'card.error.retry')}</Button>
      </ErrorState>
    );
  }
  const card = state.card;
  if (!card.judged) {
    return (
      <EmptyState testId="card-empty" title={translate(lang, 'card.empty.title')} layout="vertical">
        <Text>{translate(lang, 'card.empty.body')}</Text>
        <Button testId="card-judge-now" variant="primary"
          onClick={() => void api.rejudge(portalId, contactId).then((r) => (r.ok ? replace(r.data) : reload()))}>
          {translate(lang, 'card.empty.action')}
        </Button>
        <LeversList levers={card.levers} lang={lang} testId="card-levers" />
      </EmptyState>
    );
  }
  return (
    <Flex direction="column" gap="medium">
      {card.freshness === 'stored' ? <Alert testId="card-stored" variant="warning" title={translate(lang, 'card.stored')}>{''}</Alert> : null}
      <VerdictSummary card={card} lang={lang} />
      <Divider />
      <RecordDetails card={card} lang={lang} />
      <Divider />
      <CardActions lang={lang} portalId={portalId} contactId={contactId} onCard={replace} />
      <Divider />
      <LeversList levers={card.levers} lang={lang} testId="card-levers" />
    </Flex>
  );
}

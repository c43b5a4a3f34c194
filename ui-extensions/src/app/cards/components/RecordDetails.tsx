// Source, collection date, retention expiry with days left, first-contact notice, consents, objections, last judged.
import { DescriptionList, DescriptionListItem, Flex, Text } from '@hubspot/ui-extensions';
import { formatDate, translate, type Lang } from '../../shared/i18n.ts';
import type { CardView } from '../../shared/types.ts';
import { label, retentionText } from '../../shared/present.ts';

export function RecordDetails({ card, lang }: { card: CardView; lang: Lang }) {
  const notice = card.notice.due
    ? translate(lang, 'card.notice.due')
    : card.notice.sentAt ? translate(lang, 'card.notice.sent', { date: formatDate(lang, card.notice.sentAt) }) : translate(lang, 'card.notice.notNeeded');
  return (
    <Flex direction="column" gap="small">
      <DescriptionList direction="column">
        <DescriptionListItem label={translate(lang, 'card.source')}>
          <Text testId="source">{card.source.kind}{card.source.detail ? ` (${card.source.detail})` : ''} · {translate(lang, 'card.sourceRisk')} {label(lang, 'risk', card.source.risk)}</Text>
        </DescriptionListItem>
        <DescriptionListItem label={translate(lang, 'card.collectedAt')}>
          <Text testId="collected-at">{card.source.collectedAt ? formatDate(lang, card.source.collectedAt) : translate(lang, 'card.unknown')}</Text>
        </DescriptionListItem>
        <DescriptionListItem label={translate(lang, 'card.retention')}>
          <Text testId="retention">{formatDate(lang, card.retention.expiresAt)} ({retentionText(lang, card.retention)})</Text>
        </DescriptionListItem>
        <DescriptionListItem label={translate(lang, 'card.notice')}>
          <Text testId="notice">{notice}</Text>
        </DescriptionListItem>
        <DescriptionListItem label={translate(lang, 'card.consents')}>
          <Flex direction="column" gap="extra-small">
            {card.consents.length === 0 ? <Text testId="consents-none">{translate(lang, 'card.consents.none')}</Text> : null}
            {card.consents.map((c, i) => (
              <Text key={`${c.channel}-${c.givenAt}-${i}`} testId={`consent-${i}`}>
                {translate(lang, 'card.consent.line', {
                  channel: label(lang, 'channel', c.channel), method: label(lang, 'method', c.method),
                  date: formatDate(lang, c.givenAt), proof: c.proofRef ?? '—',
                })}
                {c.withdrawnAt ? ` · ${translate(lang, 'card.consent.withdrawn', { date: formatDate(lang, c.withdrawnAt) })}` : ''}
              </Text>
            ))}
          </Flex>
        </DescriptionListItem>
        {card.objections.length > 0 ? (
          <DescriptionListItem label={translate(lang, 'card.objections')}>
            <Text testId="objections">
              {card.objections.map((o) => `${label(lang, 'channel', o.channel)} (${formatDate(lang, o.at)})`).join(', ')}
            </Text>
          </DescriptionListItem>
        ) : null}
      </DescriptionList>
      <Text testId="last-judged" variant="microcopy">
        {translate(lang, 'card.lastJudged', { date: formatDate(lang, card.evaluatedAt), version: card.rulesVersion })}
      </Text>
    </Flex>
  );
}

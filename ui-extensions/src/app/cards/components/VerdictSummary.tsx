// Status, audience, per-channel verdicts with their reasons and citations.
import { DescriptionList, DescriptionListItem, Divider, Flex, StatusTag, Tag, Text } from '@hubspot/ui-extensions';
import { formatDate, translate, type Lang } from '../../shared/i18n.ts';
import type { CardView } from '../../shared/types.ts';
import { STATUS_VARIANT, label, reasonText } from '../../shared/present.ts';

export function VerdictSummary({ card, lang }: { card: CardView; lang: Lang }) {
  return (
    <Flex direction="column" gap="small">
      <Flex direction="row" gap="small" align="center">
        <StatusTag testId="status-tag" variant={STATUS_VARIANT[card.status]}>{label(lang, 'status', card.status)}</StatusTag>
        <Text testId="audience" variant="microcopy">{label(lang, 'audience', card.audience)} · {translate(lang, 'card.jurisdiction')} {card.jurisdiction}</Text>
      </Flex>
      <Text format={{ fontWeight: 'bold' }}>{translate(lang, 'card.channels')}</Text>
      <DescriptionList direction="column">
        {card.channels.map((c) => (
          <DescriptionListItem key={c.channel} label={label(lang, 'channel', c.channel)}>
            <Flex direction="column" gap="extra-small">
              <Flex direction="row" gap="small">
                <Tag testId={`channel-${c.channel}`} variant={c.allowed ? 'success' : 'error'}>
                  {c.allowed ? translate(lang, 'card.channel.allowed') : translate(lang, 'card.channel.blocked')}
                </Tag>
                <Text testId={`channel-${c.channel}-why`} variant="microcopy">
                  {c.allowed && c.basis ? label(lang, 'basis', c.basis) : c.blocker ? label(lang, 'blocker', c.blocker) : ''}
                  {!c.allowed && c.until ? ` ${translate(lang, 'card.channel.until', { date: formatDate(lang, c.until) })}` : ''}
                </Text>
              </Flex>
              {c.reasons.map((r) => (
                <Text key={r.rule} testId={`reason-${c.channel}-${r.rule}`} variant="microcopy">
                  {reasonText(lang, r)} ({r.citation})
                </Text>
              ))}
            </Flex>
          </DescriptionListItem>
        ))}
      </DescriptionList>
      {card.reasons.length > 0 ? (
        <>
          <Divider />
          <Text format={{ fontWeight: 'bold' }}>{translate(lang, 'card.reasons')}</Text>
          {card.reasons.map((r) => (
            <Text key={r.rule} testId={`reason-${r.rule}`} variant="microcopy">{reasonText(lang, r)} ({r.citation})</Text>
          ))}
        </>
      ) : null}
    </Flex>
  );
}

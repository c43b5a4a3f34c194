// Which enforcement levers this account gives Prospect Guard, and why a lever is missing (an account without
// workflows or sequences installs without the automation scopes). Shown on the card and the settings page.
import { Alert, DescriptionList, DescriptionListItem, Flex, Tag, Text } from '@hubspot/ui-extensions';
import { translate, type Lang } from './i18n.ts';
import type { CardLever } from './types.ts';

export function LeversList({ levers, lang, testId }: { levers: CardLever[] | undefined; lang: Lang; testId: string }) {
  if (!levers || levers.length === 0) return null;
  const missing = levers.filter((l) => !l.available);
  return (
    <Flex direction="column" gap="small">
      <Text format={{ fontWeight: 'bold' }}>{translate(lang, 'levers.title')}</Text>
      {missing.length > 0
        ? <Alert testId={`${testId}-missing`} variant="info" title={translate(lang, 'levers.missing', { count: missing.length })}>{''}</Alert>
        : null}
      <DescriptionList direction="column">
        {levers.map((l) => (
          <DescriptionListItem key={l.lever} label={lang === 'fr' ? l.labelFr : l.label}>
            <Flex direction="column" gap="flush">
              <Tag testId={`${testId}-${l.lever}`} variant={l.available ? 'success' : 'warning'}>
                {translate(lang, l.available ? 'levers.on' : 'levers.off')}
              </Tag>
              {l.available ? null : <Text variant="microcopy">{lang === 'fr' ? l.reasonFr : l.reason}</Text>}
            </Flex>
          </DescriptionListItem>
        ))}
      </DescriptionList>
    </Flex>
  );
}

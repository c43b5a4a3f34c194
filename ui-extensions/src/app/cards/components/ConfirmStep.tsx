// A confirm step for one action: what will happen, then Confirm (or a destructive confirm) and Cancel.
import type { ReactNode } from 'react';
import { Button, ButtonRow, Flex, Text } from '@hubspot/ui-extensions';
import { translate, type Lang } from '../../shared/i18n.ts';

export function ConfirmStep({ lang, id, message, destructive, busy, onConfirm, onCancel, children }: {
  lang: Lang; id: string; message: string; destructive?: boolean; busy: boolean;
  onConfirm: () => void; onCancel: () => void; children?: ReactNode;
}) {
  return (
    <Flex direction="column" gap="small">
      <Text testId={`${id}-message`}>{message}</Text>
      {children}
      <ButtonRow>
        <Button testId={`${id}-confirm`} variant={destructive ? 'destructive' : 'primary'} disabled={busy} onClick={onConfirm}>
          {translate(lang, 'actions.confirm')}
        </Button>
        <Button testId={`${id}-cancel`} variant="secondary" disabled={busy} onClick={onCancel}>{translate(lang, 'actions.cancel')}</Button>
      </ButtonRow>
    </Flex>
  );
}

// Loading and error states shared by the three pages.
import { Button, ErrorState, LoadingSpinner, Text } from '@hubspot/ui-extensions';
import type { Lang } from '../../shared/i18n.ts';
import type { ApiError } from '../../shared/types.ts';
import { word } from '../utils/words.ts';

export function PageLoading({ lang, testId }: { lang: Lang; testId: string }) {
  return <LoadingSpinner testId={testId} label={word(lang, 'common.loading')} layout="centered" />;
}

export function PageError({ lang, error, onRetry, testId }: { lang: Lang; error: ApiError; onRetry: () => void; testId: string }) {
  return (
    <ErrorState testId={testId} title={word(lang, 'common.error')}>
      <Text>{lang === 'fr' && error.messageFr ? error.messageFr : error.message}</Text>
      <Button testId={`${testId}-retry`} variant="primary" onClick={onRetry}>{word(lang, 'common.retry')}</Button>
    </ErrorState>
  );
}

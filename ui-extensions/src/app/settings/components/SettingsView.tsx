// The settings page: loading, error (with retry) and ready states; configuration only (the figures are on the
// dashboard, ui-extensions/src/app/pages).
import { Alert, Button, Divider, ErrorState, Flex, LoadingSpinner, Text, useExtensionContext } from '@hubspot/ui-extensions';
import { langFromLocale, translate } from '../../shared/i18n.ts';
import { LeversList } from '../../shared/LeversList.tsx';
import { useSettings } from '../hooks/useSettings.ts';
import { SettingsForm } from './SettingsForm.tsx';

export function SettingsView() {
  const context = useExtensionContext<'settings'>();
  const lang = langFromLocale(context.user.locale);
  const { state, save, reload, submit } = useSettings(context.portal.id);

  if (state.kind === 'loading') return <LoadingSpinner testId="settings-loading" label={translate(lang, 'settings.loading')} layout="centered" />;
  if (state.kind === 'error') {
    return (
      <ErrorState testId="settings-error" title={translate(lang, 'settings.error.title')}>
        <Text testId="settings-error-message">{state.error.message}</Text>
        <Button testId="settings-retry" variant="primary" onClick={reload}>{translate(lang, 'card.error.retry')}</Button>
      </ErrorState>
    );
  }
  const { data } = state;
  return (
    <Flex direction="column" gap="medium">
      <Text>{translate(lang, 'settings.intro')}</Text>
      {!data.configured ? <Alert testId="settings-not-configured" variant="warning" title={translate(lang, 'settings.notConfigured')}>{''}</Alert> : null}
      <LeversList levers={data.levers} lang={lang} testId="settings-levers" />
      <Text testId="settings-dashboard-hint" variant="microcopy">{translate(lang, 'settings.dashboardHint')}</Text>
      <Divider />
      <SettingsForm lang={lang} initial={data.settings} save={save} onSubmit={submit} />
    </Flex>
  );
}

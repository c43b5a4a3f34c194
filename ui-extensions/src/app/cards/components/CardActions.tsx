// The card's actions. Each opens a confirm step; each confirmed action is recorded in the evidence ledger by the
// backend. Exactly one primary button is visible at any time (marketplace rule).
import { useState } from 'react';
import { Alert, Button, ButtonRow, Flex, LoadingSpinner, Select, Text, TextArea } from '@hubspot/ui-extensions';
import { api } from '../../shared/api.ts';
import { formatDate, translate, type Lang } from '../../shared/i18n.ts';
import { CHANNELS, type ApiError, type CardResponse, type ContactExport, type ObjectionChannel } from '../../shared/types.ts';
import { label } from '../../shared/present.ts';
import { ConfirmStep } from './ConfirmStep.tsx';
import { ConsentForm, type ConsentInput } from './ConsentForm.tsx';

type Step =
  | { kind: 'idle' }
  | { kind: 'consent' }
  | { kind: 'objection' }
  | { kind: 'rejudge' }
  | { kind: 'export' }
  | { kind: 'exported'; data: ContactExport }
  | { kind: 'erase' }
  | { kind: 'erased' };

export function CardActions({ lang, portalId, contactId, onCard }: {
  lang: Lang; portalId: number; contactId: number | string; onCard: (card: CardResponse) => void;
}) {
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);
  const [objectionChannel, setObjectionChannel] = useState<ObjectionChannel>('all');

  const run = async <T,>(request: Promise<{ ok: true; data: T } | { ok: false; error: ApiError }>, onOk: (data: T) => void) => {
    setBusy(true);
    setError(null);
    setDone(false);
    const result = await request;
    setBusy(false);
    if (result.ok) { onOk(result.data); } else { setError(result.error); }
  };
  const cardUpdated = (card: CardResponse) => { onCard(card); setDone(true); setStep({ kind: 'idle' }); };
  const open = (next: Step) => { setError(null); setDone(false); setStep(next); };
  const cancel = () => { setError(null); setStep({ kind: 'idle' }); };

  const errorText = error ? (lang === 'fr' && error.messageFr ? error.messageFr : error.message) : '';
  return (
    <Flex direction="column" gap="small">
      {busy ? <LoadingSpinner testId="action-busy" label={translate(lang, 'card.loading')} /> : null}
      {error ? (
        <Alert testId="action-error" variant="error" title={translate(lang, 'action.failed')}>
          {errorText}{error.citation ? ` (${error.citation})` : ''}
        </Alert>
      ) : null}
      {done ? <Alert testId="action-done" variant="success" title={translate(lang, 'action.recorded')}>{''}</Alert> : null}

      {step.kind === 'idle' ? (
        <ButtonRow>
          <Button testId="action-consent" variant="primary" onClick={() => open({ kind: 'consent' })}>{translate(lang, 'actions.consent')}</Button>
          <Button testId="action-objection" variant="secondary" onClick={() => open({ kind: 'objection' })}>{translate(lang, 'actions.objection')}</Button>
          <Button testId="action-rejudge" variant="secondary" onClick={() => open({ kind: 'rejudge' })}>{translate(lang, 'actions.rejudge')}</Button>
          <Button testId="action-export" variant="secondary" onClick={() => open({ kind: 'export' })}>{translate(lang, 'actions.export')}</Button>
          <Button testId="action-erase" variant="destructive" onClick={() => open({ kind: 'erase' })}>{translate(lang, 'actions.erase')}</Button>
        </ButtonRow>
      ) : null}

      {step.kind === 'consent' ? (
        <ConsentForm lang={lang} busy={busy} onCancel={cancel}
          onSubmit={(input: ConsentInput) => void run(api.recordConsent(portalId, contactId, input), cardUpdated)} />
      ) : null}

      {step.kind === 'objection' ? (
        <ConfirmStep lang={lang} id="objection" busy={busy} message={translate(lang, 'objection.confirm')} onCancel={cancel}
          onConfirm={() => void run(api.recordObjection(portalId, contactId, { channel: objectionChannel }), cardUpdated)}>
          <Select testId="objection-channel" name="objectionChannel" label={translate(lang, 'objection.channel')} value={objectionChannel}
            options={(['all', ...CHANNELS] as ObjectionChannel[]).map((c) => ({ value: c, label: label(lang, 'channel', c) }))}
            onChange={(v) => setObjectionChannel(v as ObjectionChannel)} />
        </ConfirmStep>
      ) : null}

      {step.kind === 'rejudge' ? (
        <ConfirmStep lang={lang} id="rejudge" busy={busy} message={translate(lang, 'rejudge.confirm')} onCancel={cancel}
          onConfirm={() => void run(api.rejudge(portalId, contactId), cardUpdated)} />
      ) : null}

      {step.kind === 'export' ? (
        <ConfirmStep lang={lang} id="export" busy={busy} message={translate(lang, 'export.confirm')} onCancel={cancel}
          onConfirm={() => void run(api.exportContact(portalId, contactId), (data) => setStep({ kind: 'exported', data }))} />
      ) : null}

      {step.kind === 'exported' ? (
        <Flex direction="column" gap="small">
          <Text testId="export-ready">
            {translate(lang, 'export.ready', { date: formatDate(lang, step.data.generatedAt), n: step.data.app?.ledger?.length ?? 0 })}
          </Text>
          <TextArea testId="export-json" name="export" label={translate(lang, 'actions.export')} readOnly rows={8}
            value={JSON.stringify(step.data, null, 2)} />
          <Button testId="export-done" variant="primary" onClick={() => setStep({ kind: 'idle' })}>{translate(lang, 'actions.done')}</Button>
        </Flex>
      ) : null}

      {step.kind === 'erase' ? (
        <ConfirmStep lang={lang} id="erase" destructive busy={busy} message={translate(lang, 'erase.confirm')} onCancel={cancel}
          onConfirm={() => void run(api.erase(portalId, contactId), () => setStep({ kind: 'erased' }))} />
      ) : null}

      {step.kind === 'erased' ? (
        <Alert testId="erase-done" variant="success" title={translate(lang, 'erase.done')}>{''}</Alert>
      ) : null}
    </Flex>
  );
}

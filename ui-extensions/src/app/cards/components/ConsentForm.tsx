// The consent confirm step. Invalid methods (pre-ticked box, terms acceptance, silence) are refused here with the
// explanation, and again by the backend; the confirm button stays disabled until the attestation is ticked.
import { useState } from 'react';
import { Alert, Button, ButtonRow, Checkbox, DateInput, Flex, Input, Select, Text } from '@hubspot/ui-extensions';
import { translate, type Lang } from '../../shared/i18n.ts';
import { CHANNELS, CONSENT_METHODS, INVALID_CONSENT_METHODS, type Channel, type ConsentMethod } from '../../shared/types.ts';
import { label, todayIso } from '../../shared/present.ts';
import { datePartsToIso, isoToDateParts } from '../utils/date-input.ts';

export interface ConsentInput { channel: Channel; method: ConsentMethod; givenAt: string; proofRef: string }

export function ConsentForm({ lang, busy, onSubmit, onCancel }: {
  lang: Lang; busy: boolean; onSubmit: (input: ConsentInput) => void; onCancel: () => void;
}) {
  const [channel, setChannel] = useState<Channel>('email');
  const [method, setMethod] = useState<ConsentMethod>('double_opt_in');
  const [givenAt, setGivenAt] = useState<string>(todayIso());
  const [proofRef, setProofRef] = useState('');
  const [attested, setAttested] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const invalidMethod = INVALID_CONSENT_METHODS.includes(method);

  const submit = () => {
    if (invalidMethod) return;
    if (!proofRef.trim() || !givenAt) { setProblem(translate(lang, 'consent.required')); return; }
    if (givenAt > todayIso()) { setProblem(translate(lang, 'consent.futureDate')); return; }
    setProblem(null);
    onSubmit({ channel, method, givenAt, proofRef: proofRef.trim() });
  };

  return (
    <Flex direction="column" gap="small">
      <Text format={{ fontWeight: 'bold' }}>{translate(lang, 'consent.title')}</Text>
      <Select testId="consent-channel" name="channel" label={translate(lang, 'consent.channel')} value={channel}
        options={CHANNELS.map((c) => ({ value: c, label: label(lang, 'channel', c) }))}
        onChange={(v) => setChannel(v as Channel)} />
      <Select testId="consent-method" name="method" label={translate(lang, 'consent.method')} value={method}
        options={CONSENT_METHODS.map((c) => ({ value: c, label: label(lang, 'method', c) }))}
        onChange={(v) => setMethod(v as ConsentMethod)}
        error={invalidMethod} validationMessage={invalidMethod ? translate(lang, 'consent.invalidMethod') : undefined} />
      {invalidMethod ? (
        <Alert testId="consent-invalid-method" variant="error" title={translate(lang, 'consent.invalidMethod')}>
          {label(lang, 'method', method)}
        </Alert>
      ) : null}
      <DateInput testId="consent-date" name="givenAt" label={translate(lang, 'consent.date')} format="YYYY-MM-DD"
        value={isoToDateParts(givenAt)} onChange={(v) => setGivenAt(datePartsToIso(v))} />
      <Input testId="consent-proof" name="proofRef" label={translate(lang, 'consent.proof')} description={translate(lang, 'consent.proof.help')}
        value={proofRef} onChange={setProofRef} required />
      <Checkbox testId="consent-attest" name="attest" checked={attested} onChange={(checked) => setAttested(checked)}>
        {translate(lang, 'consent.confirm')}
      </Checkbox>
      {problem ? <Alert testId="consent-problem" variant="warning" title={problem}>{''}</Alert> : null}
      <ButtonRow>
        <Button testId="consent-confirm" variant="primary" disabled={busy || invalidMethod || !attested} onClick={submit}>
          {translate(lang, 'actions.confirm')}
        </Button>
        <Button testId="consent-cancel" variant="secondary" disabled={busy} onClick={onCancel}>{translate(lang, 'actions.cancel')}</Button>
      </ButtonRow>
    </Flex>
  );
}

// Turns the backend's codes into what the card shows: tag variants and localised labels.
import { MESSAGES, translate, type Lang, type MessageKey } from './i18n.ts';
import type { CardReason, CardView, Status } from './types.ts';

export const STATUS_VARIANT: Record<Status, 'success' | 'warning' | 'danger' | 'default'> = {
  compliant: 'success',
  at_risk: 'warning',
  blocked: 'danger',
  expired: 'default',
};

type LabelPrefix = 'status' | 'audience' | 'channel' | 'basis' | 'blocker' | 'method' | 'risk';

/** The localised label of a code; an unknown code (newer backend) is shown as is rather than hidden. */
export function label(lang: Lang, prefix: LabelPrefix, code: string): string {
  const key = `${prefix}.${code}`;
  return key in MESSAGES.en ? translate(lang, key as MessageKey) : code;
}

export function reasonText(lang: Lang, reason: CardReason): string {
  return lang === 'fr' ? reason.textFr : reason.text;
}

export function retentionText(lang: Lang, retention: CardView['retention']): string {
  return retention.daysLeft >= 0
    ? translate(lang, 'card.daysLeft', { n: retention.daysLeft })
    : translate(lang, 'card.expiredSince', { n: -retention.daysLeft });
}

/** Today as YYYY-MM-DD in UTC (the backend compares consent dates in UTC too). */
export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

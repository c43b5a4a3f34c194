// GDPR art. 12(3): answer "within one month of receipt", extendable "by two further months" when the request is
// complex or numerous, telling the person within the first month. A period of months ends on the same date of
// the later month, or on its last day when that date does not exist (Regulation 1182/71 art. 3(2)(c)).
export function addMonths(from: Date, months: number): Date {
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(from.getUTCDate(), lastDay), from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds(), from.getUTCMilliseconds()));
}

export function initialDeadline(receivedAt: Date): Date {
  return addMonths(receivedAt, 1);
}

export function extendedDeadline(receivedAt: Date): Date {
  return addMonths(receivedAt, 3);
}

/** Days before the deadline at which a reminder goes to the owner (then daily once overdue). */
export const REMINDER_THRESHOLDS_DAYS = [7, 2, 0] as const;

export function reminderStage(now: Date, dueAt: Date): number | null {
  const daysLeft = (dueAt.getTime() - now.getTime()) / 86_400_000;
  let stage: number | null = null;
  REMINDER_THRESHOLDS_DAYS.forEach((d, i) => { if (daysLeft <= d) stage = i + 1; });
  return stage;
}

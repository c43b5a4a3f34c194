// The cleaning step of an audit: what the law allows is the engine's verdict; whether a channel can really be
// used also needs something to use on it. After the engine, each contact gets:
// - `invalid_email` / `invalid_phone` as the blocker of the channels an invalid address or number serves
//   (the engine's reasons stay, they say what the law would allow);
// - `suppressed` on the channels a suppression list (--suppression) blocks for this email or number;
// - its usable channels: allowed and with a contact point on file (postal needs an address column, social DMs a
//   profile column); none usable is said as such;
// - duplicates by normalised email, then phone: the first line is kept, later ones point to it.
// Status follows: no channel left allowed -> `blocked`; a compliant record with an invalid address -> `at_risk`.
import type { Blocker, Channel, ChannelVerdict, Reason, Status, Verdict } from '../engine/types.ts';
import type { RowExtras } from './cells.ts';
import { FingerprintTable } from './fingerprints.ts';

export const AUDIT_BLOCKERS = ['invalid_email', 'invalid_phone', 'suppressed'] as const;
export type AuditBlocker = (typeof AUDIT_BLOCKERS)[number];
/** The engine's blockers (whatever it grows to) and the audit's own. */
export type AnyBlocker = Blocker | AuditBlocker;

/** The engine's channel verdict (whatever fields it grows, e.g. `until` with `call_limit`), any blocker. */
export type AuditChannelVerdict = Omit<ChannelVerdict, 'blocker'> & { blocker?: AnyBlocker };

/** A verdict as the audit writes it: the engine's, with cleaning blockers on its channels. */
export type AuditVerdict = Omit<Verdict, 'channels'> & { channels: Record<Channel, AuditChannelVerdict> };

export type ContactPointState = 'valid' | 'invalid' | 'missing';

export interface SuppressionHit {
  by: 'email' | 'phone';
  /** File name of the list. */
  list: string;
  /** Channels it blocks (`all` for every one). */
  channels: string[];
}

export interface Cleaning {
  email: ContactPointState;
  phone: ContactPointState;
  /** Channels allowed by the law and with something on file to use on them. */
  usableChannels: Channel[];
  /**
   * The first line with the same email or phone. `differs`: the channels allowed are not the first line's (an
   * objection or a consent on only one of the two records): they must be merged by hand, not just dropped.
   */
  duplicateOf?: { line: number; by: 'email' | 'phone'; differs?: true };
  suppressed?: SuppressionHit;
  /** Source text no synonym matched (judged as `unknown`). */
  unrecognisedSource?: string;
}

export interface SuppressionMatcher {
  /** `email` is trimmed and lower-cased, `e164` the engine's normalised number. */
  match(email: string | null, e164: string | null, rawPhone?: string | null): SuppressionHit | null;
  /** One reason per list and channel set, shared by every match (so verdict bytes are cached). */
  reason(hit: SuppressionHit): Reason;
}

type ContactPoint = 'email' | 'phone' | 'address' | 'social';
/** What each channel needs on file. A channel the engine adds later and is not listed here needs nothing. */
const CONTACT_POINT: Partial<Record<string, ContactPoint>> = {
  email: 'email', sms: 'phone', automated_call: 'phone', fax: 'phone', phone: 'phone', postal: 'address', social_dm: 'social',
};

// Local part: RFC 5322 atext and dots (not leading, trailing or doubled); domain: labels of letters, digits and
// hyphens (any script), a TLD of two letters or more. Stricter than the engine's "a domain can be read".
const EMAIL = /^(?!\.)(?!.*\.\.)[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]{1,64}(?<!\.)@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,63}$/u;

/** Whether an address (trimmed) is well-formed enough to send to. */
export function isWellFormedEmail(email: string): boolean {
  return email.length <= 254 && EMAIL.test(email);
}

const INVALID_EMAIL_REASON: Reason = Object.freeze({
  rule: 'audit.invalid_email', citation: 'Prospect Guard audit',
  text: 'The email address is not well-formed: email cannot be used until it is corrected.',
  textFr: 'L\u2019adresse email est mal formée : l\u2019email ne peut servir tant qu\u2019elle n\u2019est pas corrigée.',
});
const INVALID_PHONE_REASON: Reason = Object.freeze({
  rule: 'audit.invalid_phone', citation: 'Prospect Guard audit (libphonenumber)',
  text: 'The phone number is not a valid number: calls, SMS and fax cannot use it until it is corrected.',
  textFr: 'Le numéro n\u2019est pas valide : appels, SMS et fax ne peuvent s\u2019en servir tant qu\u2019il n\u2019est pas corrigé.',
});

const derived = { invalid_email: new WeakMap<object, AuditChannelVerdict>(), invalid_phone: new WeakMap<object, AuditChannelVerdict>() };

/** The channel verdict with an invalid contact point as its blocker, shared per engine verdict. */
function invalidPoint(original: AuditChannelVerdict, blocker: 'invalid_email' | 'invalid_phone'): AuditChannelVerdict {
  if (!original.allowed) return original; // already blocked by the law: that reason comes first
  const cache = derived[blocker];
  let v = cache.get(original);
  if (v === undefined) {
    const extra = blocker === 'invalid_email' ? INVALID_EMAIL_REASON : INVALID_PHONE_REASON;
    v = Object.freeze({ allowed: false, blocker, reasons: Object.freeze([...original.reasons, extra]) as Reason[] });
    if (Object.isFrozen(original)) cache.set(original, v);
  }
  return v;
}

const suppressedVerdicts = new Map<Reason, AuditChannelVerdict>();
function suppressedVerdict(reason: Reason): AuditChannelVerdict {
  let v = suppressedVerdicts.get(reason);
  if (v === undefined) {
    v = Object.freeze({ allowed: false, blocker: 'suppressed' as const, reasons: Object.freeze([reason]) as Reason[] });
    suppressedVerdicts.set(reason, v);
  }
  return v;
}

export interface CleanerOptions {
  suppression?: SuppressionMatcher | null;
  /** Duplicate detection (default on). */
  duplicates?: boolean;
}

export class ContactCleaner {
  private readonly emails = new FingerprintTable();
  private readonly phones = new FingerprintTable();
  /** Per line, a bit per allowed channel (to tell a duplicate whose verdict differs from its first line's). */
  private allowedByLine = new Uint16Array(1 << 12);
  private readonly suppression: SuppressionMatcher | null;
  private readonly duplicates: boolean;

  constructor(options: CleanerOptions = {}) {
    this.suppression = options.suppression ?? null;
    this.duplicates = options.duplicates ?? true;
  }

  /** Applies the cleaning rules to `verdict` (its channels and status) and says what was found. */
  clean(line: number, facts: { email?: string | null; phone?: string | null }, verdict: AuditVerdict,
    extras?: RowExtras): Cleaning {
    const rawEmail = typeof facts.email === 'string' ? facts.email.trim() : '';
    const email: ContactPointState = rawEmail === '' ? 'missing' : isWellFormedEmail(rawEmail) ? 'valid' : 'invalid';
    const phone: ContactPointState = verdict.phone === undefined ? 'missing' : verdict.phone.valid ? 'valid' : 'invalid';
    const channels = verdict.channels;
    const normalisedEmail = email === 'valid' ? rawEmail.toLowerCase() : null;
    const e164 = phone === 'valid' ? verdict.phone?.e164 ?? null : null;

    const hit = this.suppression?.match(normalisedEmail ?? (rawEmail.includes('@') ? rawEmail.toLowerCase() : null), e164,
      typeof facts.phone === 'string' ? facts.phone : null) ?? null;
    let changed = false;
    const usableChannels: Channel[] = [];
    for (const key of Object.keys(channels) as Channel[]) {
      let c = channels[key];
      const point = CONTACT_POINT[key];
      if (point === 'email' && email === 'invalid') c = invalidPoint(c, 'invalid_email');
      else if (point === 'phone' && phone === 'invalid') c = invalidPoint(c, 'invalid_phone');
      if (hit && (hit.channels.includes('all') || hit.channels.includes(key))) {
        c = suppressedVerdict((this.suppression as SuppressionMatcher).reason(hit));
      }
      if (c !== channels[key]) {
        channels[key] = c;
        changed = true;
      }
      if (c.allowed) {
        const usable = point === undefined ? true
          : point === 'email' ? email === 'valid'
            : point === 'phone' ? phone === 'valid'
              : point === 'address' ? extras?.hasPostalAddress === true : extras?.hasSocialProfile === true;
        if (usable) usableChannels.push(key);
      }
    }
    if (changed) verdict.status = statusAfterCleaning(verdict, email === 'invalid' || phone === 'invalid');

    const cleaning: Cleaning = { email, phone, usableChannels };
    if (this.duplicates) {
      const byEmail = normalisedEmail === null ? 0 : this.emails.firstLine(normalisedEmail, line);
      const byPhone = e164 === null ? 0 : this.phones.firstLine(e164, line);
      const mask = this.rememberAllowed(line, channels);
      const first = byEmail !== 0 ? byEmail : byPhone;
      if (first !== 0) {
        cleaning.duplicateOf = { line: first, by: byEmail !== 0 ? 'email' : 'phone' };
        if ((this.allowedByLine[first] ?? mask) !== mask) cleaning.duplicateOf.differs = true;
      }
    }
    if (hit) cleaning.suppressed = hit;
    if (extras?.unrecognisedSource) cleaning.unrecognisedSource = extras.unrecognisedSource;
    return cleaning;
  }

  private rememberAllowed(line: number, channels: Record<string, AuditChannelVerdict>): number {
    const mask = allowedMask(channels);
    if (line >= this.allowedByLine.length) {
      let size = this.allowedByLine.length;
      while (size <= line) size *= 2;
      const grown = new Uint16Array(size);
      grown.set(this.allowedByLine);
      this.allowedByLine = grown;
    }
    this.allowedByLine[line] = mask;
    return mask;
  }
}

function allowedMask(channels: Record<string, AuditChannelVerdict>): number {
  let mask = 0;
  let bit = 1;
  for (const key of Object.keys(channels)) {
    if ((channels[key] as AuditChannelVerdict).allowed) mask |= bit;
    bit <<= 1;
  }
  return mask;
}

function statusAfterCleaning(verdict: AuditVerdict, invalidPoint: boolean): Status {
  if (verdict.status === 'expired') return 'expired';
  let anyAllowed = false;
  for (const key of Object.keys(verdict.channels) as Channel[]) if (verdict.channels[key].allowed) anyAllowed = true;
  if (!anyAllowed) return 'blocked';
  if (verdict.status === 'compliant' && invalidPoint) return 'at_risk';
  return verdict.status;
}

/** Engine verdicts are AuditVerdicts with no cleaning blocker yet. */
export function asAuditVerdict(verdict: Verdict): AuditVerdict {
  return verdict as unknown as AuditVerdict;
}

export type { ChannelVerdict };

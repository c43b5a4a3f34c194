// Structured logs (pino). Logs carry ids, never an email address, phone number or token in clear:
// known secret-bearing keys are redacted and free text passes through `scrubPersonalData`.
import { pino, type Logger } from 'pino';

const EMAIL = /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// A run of digits with the separators people write numbers with, optionally behind "+" (or "%2B" in a URL).
const NUMBER_RUN = /(?<![\w%])(?:\+|%2[Bb])?\(?\d[\d .()/-]{6,}\d(?![\w])/g;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const DATE_LIKE = /^\d{4}[-/.]\d{2}[-/.]\d{2}/;

/**
 * Whether a digit run is a phone number rather than operational detail. Phone numbers are written either
 * internationally (+33..., 0033..., 8 to 15 digits), nationally behind a trunk 0 (06 12 34 56 78, 020 7946 0958:
 * 9 to 11 digits), or in short groups (612 345 678). Portal ids, timestamps and job ids are unbroken runs with
 * no leading 0 or +; IP addresses are four dotted groups; dates lead with a year.
 */
function isPhoneNumber(run: string): boolean {
  const international = /^(?:\+|%2[Bb])/.test(run);
  const body = international ? run.replace(/^(?:\+|%2[Bb])/, '') : run;
  const digits = body.replace(/\D/g, '');
  const bare = body.replace(/^\(/, '');
  if (IPV4.test(bare) || DATE_LIKE.test(bare)) return false;
  if (international) return digits.length >= 8 && digits.length <= 15;
  if (/^\(?00[1-9]/.test(body)) return digits.length >= 10 && digits.length <= 15;
  if (/^\(?0[1-9]/.test(body)) return digits.length >= 9 && digits.length <= 11;
  const groups = body.split(/[ .()/-]+/).filter(Boolean);
  return groups.length >= 3 && groups.every((g) => g.length >= 2 && g.length <= 4) && digits.length >= 9 && digits.length <= 12;
}

/** Masks email addresses (also percent-encoded) and phone numbers in free text before it reaches a log line. */
export function scrubPersonalData(text: string): string {
  return text.replace(EMAIL, '[email]').replace(NUMBER_RUN, (run) => (isPhoneNumber(run) ? '[phone]' : run));
}

export const REDACTED_PATHS = [
  'email', '*.email', 'phone', '*.phone', 'mobilephone', '*.mobilephone',
  'accessToken', '*.accessToken', 'refreshToken', '*.refreshToken', 'access_token', '*.access_token',
  'refresh_token', '*.refresh_token', 'authorization', '*.authorization', 'headers.authorization',
  'clientSecret', '*.clientSecret', 'password', '*.password',
];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubPersonalData(a) : a));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}

export const log: Logger = createLogger();

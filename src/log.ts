// Structured logs (pino). Logs carry ids, never an email address, phone number or token in clear:
// known secret-bearing keys are redacted and free text passes through `scrubPersonalData`.
import { pino, type Logger } from 'pino';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE = /\+?\d[\d .()-]{7,}\d/g;

/** Masks email addresses and phone-like digit runs in free text before it reaches a log line. */
export function scrubPersonalData(text: string): string {
  return text.replace(EMAIL, '[email]').replace(PHONE, '[phone]');
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

// Which signature the workflow action must carry. HubSpot adds X-HubSpot-Signature-v3 and
// X-HubSpot-Request-Timestamp to its outgoing requests to OAuth apps and keeps the older X-HubSpot-Signature
// "for backward compatibility" (changelog "Introducing version 3 of Webhook signatures"); an app built on the
// developer platform (2025.2 and later, app.json `platformVersion`) therefore expects v3, and a call carrying
// v2 alone is refused: v2 has no timestamp, so a captured v2 call could be replayed forever.
import { readFileSync } from 'node:fs';
import { APP_MANIFEST_PATH } from '../hubspot/app-manifest.ts';

export type ActionSignaturePolicy = 'v3' | 'v2';

/** 'v3' for platform versions from 2025.2 on (YYYY.N compared numerically), 'v2' for older or unknown ones. */
export function actionSignatureFor(platformVersion: string | null | undefined): ActionSignaturePolicy {
  const m = /^(\d{4})\.(\d{1,2})$/.exec(platformVersion ?? '');
  if (!m) return 'v2';
  const [year, minor] = [Number(m[1]), Number(m[2])];
  return year > 2025 || (year === 2025 && minor >= 2) ? 'v3' : 'v2';
}

/** The policy the app's own configuration (app.json `platformVersion`) implies. */
export function actionSignatureFromAppJson(path: URL | string = APP_MANIFEST_PATH): ActionSignaturePolicy {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { platformVersion?: unknown };
  return actionSignatureFor(typeof json.platformVersion === 'string' ? json.platformVersion : null);
}

// Security headers for every public page the app serves (preference centre): no script at all, styles only by
// hash, forms only to ourselves, never framed, never leaking the tokenised URL through Referer, never cached.
import type { NextFunction, Request, Response } from 'express';
import { PAGE_STYLE_HASH } from './page.ts';

/** The policy of every public page; `imageOrigin` admits the controller's logo from its own origin only. */
export function publicCsp(imageOrigin: string | null = null): string {
  return [
    "default-src 'none'",
    `style-src '${PAGE_STYLE_HASH}'`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    imageOrigin ? `img-src ${imageOrigin}` : "img-src 'none'",
  ].join('; ');
}

export const PUBLIC_CSP = publicCsp();

export function publicPageHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Content-Security-Policy': PUBLIC_CSP,
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
    'Cache-Control': 'no-store',
  });
  next();
}

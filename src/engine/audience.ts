// Audience classification: who the person is, and which signal decided it.
import type { Audience, ContactFacts } from './types.ts';
import { classifyMailDomain } from './freemail-domains.ts';

/** Local parts that name a function, not a person (contact@, info@, ...), French and English. */
const ROLE_LOCAL_PARTS = new Set([
  'contact', 'contacts', 'info', 'infos', 'information', 'informations', 'sales', 'sale', 'support', 'hello', 'hi',
  'admin', 'administration', 'office', 'accueil', 'bonjour', 'commercial', 'commerciale', 'ventes', 'vente',
  'compta', 'comptabilite', 'accounting', 'accounts', 'billing', 'facturation', 'factures', 'invoices',
  'marketing', 'communication', 'presse', 'press', 'media', 'rh', 'hr', 'jobs', 'job', 'careers', 'recrutement',
  'emploi', 'service', 'serviceclient', 'service-client', 'service.client', 'customerservice', 'customer-service',
  'help', 'helpdesk', 'team', 'equipe', 'direction', 'secretariat', 'reception', 'enquiries', 'enquiry',
  'devis', 'reservation', 'reservations', 'booking', 'webmaster', 'postmaster', 'hostmaster', 'abuse',
  'noreply', 'no-reply', 'no_reply', 'newsletter', 'mail', 'email', 'general', 'studio', 'agence', 'boutique',
  'magasin', 'shop', 'store', 'orders', 'commandes', 'legal', 'juridique', 'dpo', 'privacy', 'rgpd', 'gdpr',
  'it', 'tech', 'technique', 'partenariats', 'partners', 'partnership', 'achats', 'purchasing', 'procurement',
]);

export type AudienceSignal =
  | 'flag' | 'free_mail' | 'disposable_domain' | 'generic_local_part' | 'company_domain' | 'no_email' | 'invalid_email'
  | 'insufficient_signal';

export interface AudienceResult { audience: Audience; signal: AudienceSignal }

function nonEmpty(s: string | null | undefined): boolean {
  return s != null && s.trim() !== '';
}

function isRoleLocalPart(local: string): boolean {
  const plus = local.indexOf('+');
  const base = plus >= 0 ? local.slice(0, plus) : local;
  return ROLE_LOCAL_PARTS.has(base);
}

/** A local part, one @, and a dotted domain without spaces: enough to read a domain, not a full RFC 5322 check. */
export function isPlausibleEmail(email: string, at = email.lastIndexOf('@')): boolean {
  if (at <= 0 || email.indexOf('@') !== at) return false;
  const dot = email.indexOf('.', at + 2);
  return dot > 0 && dot < email.length - 1 && email.indexOf(' ') < 0;
}

export function classifyAudience(facts: ContactFacts): AudienceResult {
  const email = facts.email?.trim().toLowerCase() ?? '';
  const at = email.lastIndexOf('@');
  const local = at > 0 ? email.slice(0, at) : '';
  const domain = at > 0 ? email.slice(at + 1) : '';
  if (facts.isProfessional === true) {
    return { audience: local !== '' && isRoleLocalPart(local) ? 'b2b_generic' : 'b2b_nominative', signal: 'flag' };
  }
  if (facts.isProfessional === false) return { audience: 'b2c', signal: 'flag' };
  if (email === '') return { audience: 'unknown', signal: 'no_email' };
  if (!isPlausibleEmail(email, at)) return { audience: 'unknown', signal: 'invalid_email' };
  const kind = classifyMailDomain(domain);
  if (kind === 'disposable') return { audience: 'b2c', signal: 'disposable_domain' };
  if (kind === 'free') return { audience: 'b2c', signal: 'free_mail' };
  if (isRoleLocalPart(local)) return { audience: 'b2b_generic', signal: 'generic_local_part' };
  if (nonEmpty(facts.company) || nonEmpty(facts.jobTitle)) return { audience: 'b2b_nominative', signal: 'company_domain' };
  return { audience: 'unknown', signal: 'insufficient_signal' };
}

/** Lower-case, accents removed, non-alphanumerics as single spaces: the form keywords are matched in. */
export function normaliseText(s: string): string {
  return ` ${s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9_]+/g, ' ').trim()} `;
}

// Belgium: Code de droit économique art. VI.110 and the royal decree of 4 April 2003 (electronic mail),
// the "Ne m'appelez plus" list for calls.
import { rule, SOFT_OPT_IN } from './build.ts';
import type { ChannelRule, RulePack } from './types.ts';

const CDE = 'Code de droit économique art. XII.13, VI.110; AR du 4 avril 2003';

function electronic(ch: 'email' | 'sms' | 'social_dm', en: string, fr: string): ChannelRule[] {
  return [
    rule(`be.${ch}.generic`, 'b2b_generic', 'not_personal_data', 'AR du 4 avril 2003 art. 1',
      `Impersonal address of a legal person: ${en} needs no consent; honour objections.`,
      `Adresse impersonnelle d\u2019une personne morale : ${fr} ne requiert pas de consentement ; respecter les oppositions.`),
    rule(`be.${ch}.soft_opt_in`, SOFT_OPT_IN, 'soft_opt_in', 'AR du 4 avril 2003 art. 1',
      'Existing customer whose details were obtained from them at a sale, similar products: allowed without consent, with an opt-out in every message.',
      'Client existant, produits analogues : permis sans consentement, avec opposition dans chaque message.'),
    rule(`be.${ch}.consent`, 'always', 'consent', CDE,
      `${en[0]!.toUpperCase()}${en.slice(1)} advertising needs prior consent (professionals at a personal address included).`,
      `${fr[0]!.toUpperCase()}${fr.slice(1)} publicitaire requiert le consentement préalable (professionnels à une adresse nominative compris).`),
  ];
}

export const BELGIUM: RulePack = {
  id: 'be-cde',
  title: 'Belgium, Code de droit économique',
  jurisdictions: ['BE'],
  validFrom: null,
  validTo: null,
  timeZone: 'Europe/Brussels',
  consentMaxAgeDays: {},
  prohibitions: [],
  channels: {
    email: electronic('email', 'email', 'l\u2019email'),
    sms: electronic('sms', 'SMS', 'le SMS'),
    social_dm: electronic('social_dm', 'direct-message', 'le message privé'),
    automated_call: [rule('be.automated_call.consent', 'always', 'consent', 'Code de droit économique art. VI.110 §1',
      'Automated calls need prior consent, whoever the recipient.',
      'Les appels automatisés requièrent le consentement préalable, quel que soit le destinataire.')],
    fax: [rule('be.fax.consent', 'always', 'consent', 'Code de droit économique art. VI.110 §1',
      'Advertising by fax needs prior consent, whoever the recipient.',
      'La publicité par fax requiert le consentement préalable, quel que soit le destinataire.')],
    phone: [
      rule('be.phone.generic', 'b2b_generic', 'not_personal_data', 'GDPR art. 4(1)',
        'Generic business line: calls allowed; honour objections.',
        'Ligne professionnelle générique : appels permis ; respecter les oppositions.'),
      rule('be.phone.dncm', 'always', 'legitimate_interest', 'Code de droit économique art. VI.111-VI.115; GDPR art. 6(1)(f)',
        'Calls: allowed on objection terms; screen the "Ne m\'appelez plus" list first.',
        'Appels : permis sous réserve d\u2019opposition ; filtrer d\u2019abord sur la liste « Ne m\u2019appelez plus ».'),
    ],
    postal: [
      rule('be.postal.generic', 'b2b_generic', 'not_personal_data', 'GDPR art. 4(1)',
        'A generic business address is not personal data: postal mail allowed.',
        'Une adresse professionnelle générique n\u2019est pas une donnée personnelle : courrier permis.'),
      rule('be.postal.li', 'always', 'legitimate_interest', 'GDPR art. 6(1)(f), 21(2)',
        'Postal mail: legitimate interest; honour objections and the Robinson Mail list.',
        'Courrier postal : intérêt légitime ; respecter les oppositions et la liste Robinson Mail.'),
    ],
  },
  calling: null,
  uncertain: ['Direct messages on social networks are treated like email.'],
};

// Italy: Codice privacy art. 130 (electronic channels; soft opt-in for email only, art. 130(4)),
// Registro Pubblico delle Opposizioni (art. 130(3-bis), legge 5/2018, DPR 26/2022) for operator calls and postal mail.
import { rule, SOFT_OPT_IN } from './build.ts';
import type { RulePack } from './types.ts';

const ART130 = 'Codice privacy (D.lgs. 196/2003) art. 130';
const RPO = 'Codice privacy art. 130(3-bis); DPR 26/2022 (Registro Pubblico delle Opposizioni)';

export const ITALY: RulePack = {
  id: 'it-130',
  title: 'Italy, Codice privacy art. 130',
  jurisdictions: ['IT'],
  validFrom: null,
  validTo: null,
  timeZone: 'Europe/Rome',
  consentMaxAgeDays: {},
  prohibitions: [],
  channels: {
    email: [
      rule('it.email.soft_opt_in', SOFT_OPT_IN, 'soft_opt_in', 'Codice privacy art. 130(4)',
        'Existing customer whose address was given by them in the sale, similar products: email allowed without consent, with an opt-out in every message.',
        'Client existant, produits analogues : email permis sans consentement, avec opposition dans chaque message.'),
      rule('it.email.consent', 'always', 'consent', ART130,
        'Promotional email needs prior consent.', 'L\u2019email promotionnel requiert le consentement préalable.'),
    ],
    sms: [rule('it.sms.consent', 'always', 'consent', ART130,
      'Promotional SMS needs prior consent (the soft opt-in covers email only).',
      'Le SMS promotionnel requiert le consentement préalable (le « soft opt-in » ne vaut que pour l\u2019email).')],
    social_dm: [rule('it.social_dm.consent', 'always', 'consent', ART130,
      'Promotional direct messages need prior consent.', 'Les messages privés promotionnels requièrent le consentement préalable.')],
    automated_call: [rule('it.automated_call.consent', 'always', 'consent', 'Codice privacy art. 130(1)',
      'Automated calls need prior consent.', 'Les appels automatisés requièrent le consentement préalable.')],
    fax: [rule('it.fax.consent', 'always', 'consent', 'Codice privacy art. 130(1)',
      'Promotional fax needs prior consent.', 'Le fax promotionnel requiert le consentement préalable.')],
    phone: [
      // The opt-out regime of art. 130(3-bis) covers numbers the caller may lawfully hold; a number bought, rented,
      // scraped or passed on by a third party is outside it and needs the person's consent (stricter reading).
      rule('it.phone.outside_rpo', { not: 'source_first_party' }, 'consent', `${RPO}; Garante, telemarketing decisions [uncertain]`,
        '[uncertain] A number not collected from the person (list, broker, partner, scraping) is outside the Registro Pubblico delle Opposizioni opt-out: operator calls need consent.',
        '[incertain] Un numéro non recueilli auprès de la personne (liste, courtier, partenaire, aspiration) sort du régime d\u2019opposition du Registro Pubblico delle Opposizioni : les appels par opérateur requièrent le consentement.'),
      rule('it.phone.rpo', 'always', 'legitimate_interest', RPO,
        'Operator calls: allowed unless the number is in the Registro Pubblico delle Opposizioni (screen it) or the person objected.',
        'Appels par opérateur : permis sauf inscription au Registro Pubblico delle Opposizioni (à filtrer) ou opposition.'),
    ],
    postal: [rule('it.postal.rpo', 'always', 'legitimate_interest', RPO,
      'Postal mail: allowed unless the address is in the Registro Pubblico delle Opposizioni or the person objected.',
      'Courrier postal : permis sauf inscription au Registro Pubblico delle Opposizioni ou opposition.')],
  },
  calling: null,
  uncertain: [
    'Generic business addresses need consent for electronic channels (art. 130 protects every subscriber).',
    'Operator calls on Registro Pubblico delle Opposizioni terms only for numbers collected from the person (or own CRM data); any third-party number needs consent.',
  ],
};

// Germany: UWG §7 (unreasonable nuisance) and §7a (proof of phone consent). UWG protects every market
// participant, so its consent rules also cover businesses and generic addresses.
import { rule, SOFT_OPT_IN } from './build.ts';
import type { RulePack } from './types.ts';

const UWG = 'UWG §7(2) Nr. 2';
const UWG_PHONE = 'UWG §7(2) Nr. 1, §7a';

function consentOnly(ch: string, en: string, fr: string) {
  return [rule(`de.${ch}.consent`, 'always', 'consent', UWG,
    `${en} advertising needs express prior consent, for consumers and businesses alike.`,
    `${fr} publicitaire requiert un consentement exprès préalable, pour les consommateurs comme pour les entreprises.`)];
}

export const GERMANY: RulePack = {
  id: 'de-uwg',
  title: 'Germany, UWG §7',
  jurisdictions: ['DE'],
  validFrom: null,
  validTo: null,
  timeZone: 'Europe/Berlin',
  consentMaxAgeDays: {},
  prohibitions: [],
  channels: {
    email: [
      rule('de.email.soft_opt_in', SOFT_OPT_IN, 'soft_opt_in', 'UWG §7(3)',
        'Existing customer whose address was obtained from them at a sale, similar goods or services: email allowed without consent if an objection was offered at collection and in every message.',
        'Client existant, produits analogues : email permis sans consentement si l\u2019opposition a été proposée à la collecte et l\u2019est dans chaque message.'),
      ...consentOnly('email', 'Email', 'L\u2019email'),
    ],
    sms: consentOnly('sms', 'SMS', 'Le SMS'),
    social_dm: consentOnly('social_dm', 'Direct-message', 'Le message privé'),
    automated_call: consentOnly('automated_call', 'Automated-call', 'L\u2019appel automatisé'),
    fax: consentOnly('fax', 'Fax', 'Le fax'),
    phone: [
      rule('de.phone.b2b.presumed', { all: [{ any: ['b2b_nominative', 'b2b_generic'] }, 'relevant'] }, 'legitimate_interest', UWG_PHONE,
        'Calling a business with a concrete interest in the offer: presumed consent (mutmaßliche Einwilligung).',
        'Appel d\u2019une entreprise ayant un intérêt concret pour l\u2019offre : consentement présumé (mutmaßliche Einwilligung).'),
      rule('de.phone.b2b.no_interest', { any: ['b2b_nominative', 'b2b_generic'] }, 'consent', UWG_PHONE,
        'No concrete interest of the business is shown: calls need consent.',
        'Aucun intérêt concret de l\u2019entreprise n\u2019est établi : les appels requièrent le consentement.'),
      rule('de.phone.b2c.consent', 'always', 'consent', UWG_PHONE,
        'Calling a consumer needs express prior consent; keep its proof 5 years (§7a).',
        'Appeler un consommateur requiert un consentement exprès préalable ; en conserver la preuve 5 ans (§7a).'),
    ],
    postal: [
      rule('de.postal.generic', 'b2b_generic', 'not_personal_data', 'GDPR art. 4(1)',
        'A generic business address is not personal data: postal mail allowed; honour objections.',
        'Une adresse professionnelle générique n\u2019est pas une donnée personnelle : courrier permis ; respecter les oppositions.'),
      rule('de.postal.li', 'always', 'legitimate_interest', 'GDPR art. 6(1)(f), 21(2); UWG §7(1)',
        'Postal advertising: legitimate interest unless the person has objected.',
        'Publicité postale : intérêt légitime sauf opposition de la personne.'),
    ],
  },
  calling: null,
  uncertain: ['Generic business addresses need consent for electronic channels (UWG protects businesses too).'],
};

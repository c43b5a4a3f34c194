// United Kingdom: PECR regs 19-22 (as amended), UK GDPR. Corporate subscribers are outside the consent rule
// for email/SMS; live calls are screened against TPS/CTPS.
import { rule, SOFT_OPT_IN } from './build.ts';
import type { ChannelRule, RulePack } from './types.ts';

const PECR22 = 'PECR reg. 22';

function electronic(ch: 'email' | 'sms' | 'social_dm', en: string, fr: string): ChannelRule[] {
  return [
    // Sole traders and partnerships that are not legal persons are individual subscribers (ICO B2B guidance), and
    // so is a professional reached at a free-mail address: consent or soft opt-in, as for any individual.
    rule(`gb.${ch}.individual_subscriber`, { all: ['individual_subscriber', { not: SOFT_OPT_IN }] }, 'consent',
      `${PECR22}; ICO, business-to-business marketing`,
      `A sole trader, a partnership without legal personality or a professional at a personal address is an individual subscriber: ${en} needs consent or soft opt-in.`,
      `Un entrepreneur individuel, une société de personnes sans personnalité morale ou un professionnel à une adresse personnelle est un abonné individuel : ${fr} requiert le consentement ou le « soft opt-in ».`),
    rule(`gb.${ch}.generic`, { all: ['b2b_generic', { not: 'individual_subscriber' }] }, 'not_personal_data', PECR22,
      `A generic corporate address: ${en} needs no consent; identify the sender and honour objections.`,
      `Adresse générique d\u2019une société : ${fr} ne requiert pas de consentement ; identifier l\u2019expéditeur et respecter les oppositions.`),
    rule(`gb.${ch}.corporate`, { all: ['b2b_nominative', { not: 'individual_subscriber' }] }, 'legitimate_interest',
      `${PECR22}; UK GDPR art. 6(1)(f), 21; ICO, business-to-business marketing`,
      `Corporate subscriber (a company, an LLP, a Scottish partnership, a public body): ${en} needs no consent; identify the sender and honour objections. [uncertain] Taken as corporate unless flagged a sole trader or reached at a free-mail address.`,
      `Abonné personne morale (société, LLP, partnership écossais, organisme public) : ${fr} ne requiert pas de consentement ; identifier l\u2019expéditeur et respecter les oppositions. [incertain] Réputé personne morale sauf indicateur d\u2019entrepreneur individuel ou adresse de messagerie grand public.`),
    rule(`gb.${ch}.soft_opt_in`, SOFT_OPT_IN, 'soft_opt_in', 'PECR reg. 22(3)',
      'Existing customer whose details were obtained from them in a sale, similar products: soft opt-in, with a simple opt-out in every message.',
      'Client existant dont les coordonnées ont été obtenues auprès de lui lors d\u2019une vente, produits analogues : « soft opt-in », avec une opposition simple dans chaque message.'),
    rule(`gb.${ch}.consent`, 'always', 'consent', PECR22,
      `An individual may receive ${en} only with consent.`,
      `Un particulier ne peut recevoir ${fr} qu\u2019avec son consentement.`),
  ];
}

export const UNITED_KINGDOM: RulePack = {
  id: 'gb-pecr',
  title: 'United Kingdom, PECR',
  jurisdictions: ['GB'],
  validFrom: null,
  validTo: null,
  timeZone: 'Europe/London',
  consentMaxAgeDays: {},
  prohibitions: [],
  channels: {
    email: electronic('email', 'email', 'l\u2019email'),
    sms: electronic('sms', 'SMS', 'le SMS'),
    social_dm: electronic('social_dm', 'direct messages', 'les messages privés'),
    automated_call: [
      rule('gb.automated_call.consent', 'always', 'consent', 'PECR reg. 19',
        'Automated marketing calls need prior consent from every subscriber, corporate ones included.',
        'Les appels automatisés de prospection requièrent le consentement préalable de tout abonné, sociétés comprises.'),
    ],
    fax: [
      rule('gb.fax.corporate', { any: ['b2b_generic', 'b2b_nominative'] }, 'legitimate_interest', 'PECR reg. 20',
        'Corporate fax: allowed unless the number is registered with the FPS or has objected; screen the FPS.',
        'Fax d\u2019entreprise : permis sauf inscription au FPS ou opposition ; filtrer sur le FPS.'),
      rule('gb.fax.consent', 'always', 'consent', 'PECR reg. 20',
        'Marketing faxes to individuals need prior consent.',
        'Les fax de prospection vers des particuliers requièrent le consentement préalable.'),
    ],
    phone: [
      rule('gb.phone.generic', 'b2b_generic', 'not_personal_data', 'PECR reg. 21',
        'Generic corporate line: live calls allowed; screen against the CTPS and honour objections.',
        'Ligne générique d\u2019entreprise : appels permis ; filtrer sur le CTPS et respecter les oppositions.'),
      rule('gb.phone.tps', 'always', 'legitimate_interest', 'PECR reg. 21; UK GDPR art. 6(1)(f)',
        'Live marketing calls: allowed unless the number is on the TPS/CTPS (screen within 28 days) or has objected.',
        'Appels de prospection : permis sauf inscription au TPS/CTPS (filtrer depuis moins de 28 jours) ou opposition.'),
    ],
    postal: [
      rule('gb.postal.generic', 'b2b_generic', 'not_personal_data', 'UK GDPR art. 4(1)',
        'A generic business address is not personal data: postal mail allowed.',
        'Une adresse professionnelle générique n\u2019est pas une donnée personnelle : courrier permis.'),
      rule('gb.postal.li', 'always', 'legitimate_interest', 'UK GDPR art. 6(1)(f), 21(2)',
        'Postal marketing: legitimate interest; honour objections (and the Mailing Preference Service).',
        'Prospection postale : intérêt légitime ; respecter les oppositions (et le Mailing Preference Service).'),
    ],
  },
  calling: null,
  uncertain: [
    'A professional at a company domain is taken as a corporate subscriber unless flagged a sole trader (individual subscribers need consent or soft opt-in).',
  ],
};

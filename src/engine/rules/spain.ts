// Spain: LSSI art. 21 (electronic communications, every recipient), Ley General de Telecomunicaciones
// 11/2022 art. 66.1.a (automated calls and fax need prior consent) and 66.1.b (other commercial calls need
// consent or another lawful basis since 2023-06-29), Lista Robinson.
import { rule, SOFT_OPT_IN } from './build.ts';
import type { ChannelRule, RulePack } from './types.ts';

const LSSI = 'LSSI (Ley 34/2002) art. 21';

function electronic(ch: 'email' | 'sms' | 'social_dm', en: string, fr: string): ChannelRule[] {
  return [
    rule(`es.${ch}.soft_opt_in`, SOFT_OPT_IN, 'soft_opt_in', 'LSSI art. 21.2',
      'Existing customer whose details were obtained lawfully from them in a contract, similar products of the same company: allowed without consent, with an opt-out in every message.',
      'Client existant, produits analogues de la même entreprise : permis sans consentement, avec opposition dans chaque message.'),
    rule(`es.${ch}.consent`, 'always', 'consent', LSSI,
      `Commercial ${en} needs prior express consent, for every recipient including businesses.`,
      `${fr} commercial requiert le consentement exprès préalable, pour tout destinataire, entreprises comprises.`),
  ];
}

export const SPAIN: RulePack = {
  id: 'es-lssi',
  title: 'Spain, LSSI and LGT',
  jurisdictions: ['ES'],
  validFrom: null,
  validTo: null,
  timeZone: 'Europe/Madrid',
  consentMaxAgeDays: {},
  prohibitions: [],
  channels: {
    email: electronic('email', 'email', 'L\u2019email'),
    sms: electronic('sms', 'SMS', 'Le SMS'),
    social_dm: electronic('social_dm', 'direct messaging', 'Le message privé'),
    automated_call: [rule('es.automated_call.consent', 'always', 'consent', 'Ley 11/2022 General de Telecomunicaciones art. 66.1.a',
      'Automated calls need prior consent.', 'Les appels automatisés requièrent le consentement préalable.')],
    fax: [rule('es.fax.consent', 'always', 'consent', 'Ley 11/2022 General de Telecomunicaciones art. 66.1.a; LSSI art. 21',
      'Commercial fax needs prior consent.', 'Le fax commercial requiert le consentement préalable.')],
    phone: [
      rule('es.phone.generic', 'b2b_generic', 'not_personal_data', 'GDPR art. 4(1)',
        'Generic business line: calls allowed; honour objections.',
        'Ligne professionnelle générique : appels permis ; respecter les oppositions.'),
      rule('es.phone.b2b', 'b2b_nominative', 'legitimate_interest', 'GDPR art. 6(1)(f), 21(2); LOPDGDD art. 23',
        'Calling a professional: legitimate interest; screen the Lista Robinson and honour objections.',
        'Appel d\u2019un professionnel : intérêt légitime ; filtrer sur la Lista Robinson et respecter les oppositions.'),
      rule('es.phone.b2c.contract', { all: ['b2c', 'contract_active'] }, 'contract', 'Ley 11/2022 art. 66.1.b',
        'A contract is in progress: calls about it rest on another lawful basis than consent.',
        'Un contrat est en cours : les appels le concernant reposent sur une autre base légale que le consentement.'),
      rule('es.phone.b2c.consent', 'always', 'consent', 'Ley 11/2022 art. 66.1.b',
        'Since 2023-06-29 consumers may not receive commercial calls without consent or another lawful basis.',
        'Depuis le 29 juin 2023, un consommateur ne peut recevoir d\u2019appels commerciaux sans consentement ou autre base légale.'),
    ],
    postal: [
      rule('es.postal.generic', 'b2b_generic', 'not_personal_data', 'GDPR art. 4(1)',
        'A generic business address is not personal data: postal mail allowed.',
        'Une adresse professionnelle générique n\u2019est pas une donnée personnelle : courrier permis.'),
      rule('es.postal.li', 'always', 'legitimate_interest', 'GDPR art. 6(1)(f); LOPDGDD art. 23',
        'Postal mail: legitimate interest; screen the Lista Robinson and honour objections.',
        'Courrier postal : intérêt légitime ; filtrer sur la Lista Robinson et respecter les oppositions.'),
    ],
  },
  calling: null,
  uncertain: [
    'Generic business addresses need consent for electronic channels (LSSI art. 21 covers every recipient).',
    'Only a contract in progress is accepted as the "other basis" for consumer calls; legitimate interest is not.',
  ],
};

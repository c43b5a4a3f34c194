// France: CPCE L.34-5 (electronic channels), Code de la consommation L.223-1 (telephone, rewritten by
// loi n° 2025-594 from 2026-08-11), L.223-8 (sector ban), D.223-9 (calling slots), GDPR, CNIL doctrine.
// Two packs: the Bloctel regime (until 2026-08-10) and the consent regime (from 2026-08-11).
import type { Channel } from '../types.ts';
import { prohibition, rule, SOFT_OPT_IN, warning } from './build.ts';
import type { CallingRules, ChannelRule, ProhibitionRule, RulePack, WarningRule } from './types.ts';

const L34_5 = 'CPCE art. L.34-5; CNIL, la prospection commerciale par courrier électronique';
const B2B = 'CPCE art. L.34-5; CNIL B2B doctrine (2005); GDPR art. 6(1)(f), 21(2)';
const GENERIC = 'CPCE art. L.34-5 (natural persons only); GDPR art. 4(1); CNIL';
const CHARITY = 'GDPR art. 6(1)(f), 21(2); CNIL, prospection non commerciale';
const POLITICAL = 'CPCE art. L.34-5; GDPR art. 6(1)(a), 9(2)(d); CNIL délibération n° 2012-020 (communication politique)';
const POLITICAL_CALLS = 'GDPR art. 6(1)(f), 9(2)(d), 21; CNIL délibération n° 2012-020; CNIL, la communication politique par téléphone';
const SOFT = 'CPCE art. L.34-5 al. 4 (coordonnées recueillies auprès de la personne, à l\u2019occasion d\u2019une vente); CNIL';
const SCRAPED = 'CNIL, réutilisation des données publiquement accessibles (2020, 2024); CNIL SAN-2024-020';
const SCRAPED_B2B = 'CPCE art. L.34-5; CNIL B2B doctrine; GDPR art. 14(3); CNIL SAN-2024-020 (KASPR)';
const POSTAL = 'GDPR art. 6(1)(f), 21(2)-(3); CNIL';
const PHONE_2026 = 'Code de la consommation art. L.223-1 (loi n° 2025-594 du 30 juin 2025, art. 13)';
const PHONE_BLOCTEL = 'Code de la consommation art. L.223-1 (former wording) and L.223-2 (Bloctel)';
const NAMES: Record<Channel, [string, string]> = {
  email: ['email', 'l\u2019email'], sms: ['SMS', 'le SMS'], social_dm: ['social network messages', 'les messages sur les réseaux sociaux'],
  automated_call: ['automated calls', 'les appels automatisés'], fax: ['fax', 'le fax'], phone: ['phone calls', 'les appels téléphoniques'],
  postal: ['postal mail', 'le courrier postal'],
};

function electronic(ch: 'email' | 'sms' | 'social_dm'): ChannelRule[] {
  const [en, fr] = NAMES[ch];
  return [
    rule(`fr.${ch}.generic`, 'b2b_generic', 'not_personal_data', GENERIC,
      `A generic business address is not personal data: ${en} needs no consent; identify the sender and honour unsubscribes.`,
      `Une adresse professionnelle générique n\u2019est pas une donnée personnelle : ${fr} ne requiert pas de consentement ; identifier l\u2019expéditeur et respecter les désinscriptions.`),
    ...(ch === 'email' ? [rule('fr.email.scraped.b2b', { all: ['source_scraped', 'b2b_nominative', 'relevant', 'purpose_commercial'] },
      'legitimate_interest', SCRAPED_B2B,
      'Scraped professional address, offer related to the job: email on legitimate interest only with the Art. 14 notice (source, rights) in the first message at the latest and an opt-out; high risk (CNIL fined KASPR for scraping).',
      'Adresse professionnelle aspirée, offre liée à la fonction : email sur intérêt légitime seulement avec l\u2019information de l\u2019article 14 (source, droits) au plus tard dans le premier message et un droit d\u2019opposition ; risque élevé (CNIL, sanction KASPR).')] : []),
    rule(`fr.${ch}.scraped`, 'source_scraped', 'consent', SCRAPED,
      `Data scraped from the web may be used for ${en} only with the person's consent.`,
      `Des données collectées par aspiration sur le web ne peuvent servir pour ${fr} qu\u2019avec le consentement de la personne.`),
    rule(`fr.${ch}.political`, 'purpose_political', 'consent', POLITICAL,
      `Political canvassing by ${en} needs the person's prior consent (CNIL recommendation 2012-020).`,
      `La prospection politique par ${fr} requiert le consentement préalable de la personne (recommandation CNIL 2012-020).`),
    rule(`fr.${ch}.charity`, 'purpose_charity', 'legitimate_interest', CHARITY,
      `Non-commercial (charity) prospecting is outside L.34-5: legitimate interest, with information and an opt-out at collection.`,
      `La prospection non commerciale (caritative) sort du champ de L.34-5 : intérêt légitime, avec information et droit d\u2019opposition dès la collecte.`),
    rule(`fr.${ch}.soft_opt_in`, SOFT_OPT_IN, 'soft_opt_in', SOFT,
      `Existing customer whose details were collected from them at the sale, offered similar products: soft opt-in, with a free opt-out in every message.`,
      `Client existant dont les coordonnées ont été recueillies auprès de lui lors de la vente, offre analogue : exception « soft opt-in », avec opposition gratuite dans chaque message.`),
    rule(`fr.${ch}.b2b.li`, { all: ['b2b_nominative', 'relevant'] }, 'legitimate_interest', B2B,
      `Professional address and an offer related to the person's profession: legitimate interest, with an opt-out in every message.`,
      `Adresse professionnelle et offre en rapport avec la profession : intérêt légitime, avec opposition possible dans chaque message.`),
    rule(`fr.${ch}.b2b.relevance_unknown`, { all: ['b2b_nominative', 'relevance_unknown'] }, 'consent', B2B,
      `Nothing shows that the offer relates to this professional's job (no flag, no target-role match): the stricter rule applies, consent is needed.`,
      `Rien n\u2019établit que l\u2019offre concerne la profession de ce professionnel (ni indicateur, ni rôle cible) : la règle stricte s\u2019applique, le consentement est requis.`),
    rule(`fr.${ch}.b2b.unrelated`, 'b2b_nominative', 'consent', B2B,
      `The offer does not relate to this professional's job: consent is needed.`,
      `L\u2019offre est sans rapport avec la profession de la personne : le consentement est requis.`),
    rule(`fr.${ch}.b2c.consent`, 'always', 'consent', L34_5,
      `A private individual may receive ${en} only with prior consent.`,
      `Un particulier ne peut recevoir ${fr} qu\u2019avec son consentement préalable.`),
  ];
}

const AUTOMATED: ChannelRule[] = [
  rule('fr.automated_call.generic', 'b2b_generic', 'not_personal_data', GENERIC,
    'A generic business line is not personal data: automated calls need no consent; identify the caller and honour objections.',
    'Une ligne professionnelle générique n\u2019est pas une donnée personnelle : les appels automatisés ne requièrent pas de consentement ; identifier l\u2019appelant et respecter les oppositions.'),
  rule('fr.automated_call.scraped', 'source_scraped', 'consent', SCRAPED,
    'Data scraped from the web may be used for automated calls only with the person\'s consent.',
    'Des données collectées par aspiration sur le web ne peuvent servir aux appels automatisés qu\u2019avec le consentement de la personne.'),
  rule('fr.automated_call.political', 'purpose_political', 'consent', POLITICAL,
    'Political canvassing by automated calls needs the person\'s prior consent (CNIL recommendation 2012-020).',
    'La prospection politique par automate d\u2019appel requiert le consentement préalable de la personne (recommandation CNIL 2012-020).'),
  rule('fr.automated_call.charity', 'purpose_charity', 'consent', CHARITY,
    '[uncertain] Automated calls for a charity: read conservatively, consent is needed.',
    '[incertain] Appels automatisés pour une association : en lecture prudente, le consentement est requis.'),
  rule('fr.automated_call.soft_opt_in', SOFT_OPT_IN, 'soft_opt_in', SOFT,
    'Existing customer whose number was collected from them at the sale, similar offer: the CNIL accepts soft opt-in for automated calls, with an opt-out in every call.',
    'Client existant dont le numéro a été recueilli auprès de lui lors de la vente, offre analogue : la CNIL admet le « soft opt-in » pour les appels automatisés, avec opposition à chaque appel.'),
  rule('fr.automated_call.sole_trader', { all: ['b2b_nominative', 'sole_trader'] }, 'consent', L34_5,
    '[uncertain] A sole trader is a natural person: automated calls need consent, read conservatively.',
    '[incertain] Un entrepreneur individuel est une personne physique : les appels automatisés requièrent son consentement, en lecture prudente.'),
  rule('fr.automated_call.b2b.li', { all: ['b2b_nominative', 'relevant'] }, 'legitimate_interest', B2B,
    'Professional number of a company and an offer related to the profession: legitimate interest with objection.',
    'Numéro professionnel d\u2019une société et offre liée à la profession : intérêt légitime avec opposition.'),
  rule('fr.automated_call.b2b.relevance_unknown', { all: ['b2b_nominative', 'relevance_unknown'] }, 'consent', B2B,
    'Nothing shows that the offer relates to this professional\'s job: the stricter rule applies, consent is needed.',
    'Rien n\u2019établit que l\u2019offre concerne la profession de la personne : la règle stricte s\u2019applique, le consentement est requis.'),
  rule('fr.automated_call.b2b.unrelated', 'b2b_nominative', 'consent', B2B,
    'The offer does not relate to this professional\'s job: consent is needed.',
    'L\u2019offre est sans rapport avec la profession de la personne : le consentement est requis.'),
  rule('fr.automated_call.b2c.consent', 'always', 'consent', L34_5,
    'Automated calls to a private individual need prior consent.',
    'Les appels automatisés vers un particulier requièrent son consentement préalable.'),
];

const FAX: ChannelRule[] = [
  rule('fr.fax.generic', 'b2b_generic', 'not_personal_data', GENERIC,
    'A generic business fax line is not personal data: no consent needed; identify the sender and honour objections.',
    'Un fax professionnel générique n\u2019est pas une donnée personnelle : pas de consentement requis ; identifier l\u2019expéditeur et respecter les oppositions.'),
  rule('fr.fax.consent', 'always', 'consent', L34_5,
    'Fax needs prior consent ([uncertain] for professionals too: the CNIL gives no B2B rule, read conservatively).',
    'Le fax requiert le consentement préalable ([incertain] y compris pour les professionnels : la CNIL ne donne pas de règle B2B, lecture prudente).'),
];

const POSTAL_RULES: ChannelRule[] = [
  rule('fr.postal.generic', 'b2b_generic', 'not_personal_data', GENERIC,
    'A generic business address is not personal data: postal mail is allowed; honour objections.',
    'Une adresse professionnelle générique n\u2019est pas une donnée personnelle : le courrier est permis ; respecter les oppositions.'),
  rule('fr.postal.li', 'always', 'legitimate_interest', POSTAL,
    'Postal mail: legitimate interest; the person may object at any time.',
    'Courrier postal : intérêt légitime ; la personne peut s\u2019y opposer à tout moment.'),
];

const PHONE_COMMON_HEAD: ChannelRule[] = [
  rule('fr.phone.generic', 'b2b_generic', 'not_personal_data', GENERIC,
    'A switchboard or generic business line is not personal data: calls are allowed; honour objections.',
    'Un standard ou une ligne professionnelle générique n\u2019est pas une donnée personnelle : les appels sont permis ; respecter les oppositions.'),
  rule('fr.phone.political', 'purpose_political', 'legitimate_interest', POLITICAL_CALLS,
    'Political canvassing by a person calling is not commercial canvassing (L.223-1): allowed unless the person objected; say who calls and how to object.',
    'La prospection politique par un appel humain n\u2019est pas du démarchage commercial (L.223-1) : permise sauf opposition ; indiquer qui appelle et comment s\u2019opposer.'),
  rule('fr.phone.charity', 'purpose_charity', 'legitimate_interest', CHARITY,
    'Charity calls are not commercial canvassing under L.223-1: legitimate interest with objection.',
    'Les appels caritatifs ne sont pas du démarchage commercial au sens de L.223-1 : intérêt légitime avec opposition.'),
];

const PHONE_B2B = rule('fr.phone.b2b.li', 'b2b_nominative', 'legitimate_interest', 'GDPR art. 6(1)(f), 21(2); CNIL',
  'Calling a professional: legitimate interest; the person may object at any time.',
  'Appel d\u2019un professionnel : intérêt légitime ; la personne peut s\u2019y opposer à tout moment.');

const PHONE_2026_RULES: ChannelRule[] = [
  ...PHONE_COMMON_HEAD,
  rule('fr.phone.b2c.contract', { all: ['b2c', 'contract_active'] }, 'contract', PHONE_2026,
    'A contract is in progress: calls about its object (including related upgrades) need no separate consent.',
    'Un contrat est en cours : les appels portant sur son objet (y compris les évolutions liées) ne requièrent pas de consentement distinct.'),
  PHONE_B2B,
  rule('fr.phone.b2c.consent', 'always', 'consent', PHONE_2026,
    'Since 2026-08-11 a consumer may be called for canvassing only with prior consent, which the caller must prove.',
    'Depuis le 11 août 2026, un consommateur ne peut être démarché par téléphone qu\u2019avec son consentement préalable, que le professionnel doit prouver.'),
];

const PHONE_BLOCTEL_RULES: ChannelRule[] = [
  ...PHONE_COMMON_HEAD,
  rule('fr.phone.b2c.contract', { all: ['b2c', 'contract_active'] }, 'contract', PHONE_BLOCTEL,
    'A contract is in progress: calls about its object are allowed without Bloctel screening.',
    'Un contrat est en cours : les appels portant sur son objet sont permis sans filtrage Bloctel.'),
  PHONE_B2B,
  rule('fr.phone.b2c.bloctel', 'always', 'legitimate_interest', PHONE_BLOCTEL,
    'Until 2026-08-10 consumers could be called on legitimate interest, provided the file was screened against Bloctel at most 30 days before.',
    'Jusqu\u2019au 10 août 2026, un consommateur pouvait être appelé sur intérêt légitime, à condition d\u2019avoir filtré le fichier sur Bloctel depuis moins de 30 jours.'),
];

// The most recent text first: it is the one a verdict cites when several bans hold.
// Sector bans protect consumers ("prospection commerciale de consommateurs"): they apply to B2C and unknown
// audiences, never within a contract in progress.
const ENERGY_PHONE_BAN: ProhibitionRule = prohibition('fr.sector_ban.energy_phone',
  { all: ['b2c', 'sector_energy', { not: 'contract_active' }] }, ['phone', 'automated_call'], { from: '2020-07-26', to: null },
  'Code de la consommation art. L.223-1 (loi n° 2020-901 du 24 juillet 2020), now L.223-8',
  'Calling consumers to sell energy-saving works or renewable-energy installations has been banned since July 2020, except within a contract in progress.',
  'Le démarchage téléphonique des consommateurs pour des travaux d\u2019économies d\u2019énergie ou des énergies renouvelables est interdit depuis juillet 2020, sauf contrat en cours.');

const ENERGY_BAN: ProhibitionRule = prohibition('fr.sector_ban.l223_8',
  { all: ['b2c', 'sector_energy', { not: 'contract_active' }] }, 'all', { from: '2025-07-02', to: null },
  'Code de la consommation art. L.223-8 (loi n° 2025-594 du 30 juin 2025)',
  'Canvassing consumers for energy renovation or renewable-energy installation is banned on every channel (calls, SMS, email, social networks; postal mail too, read conservatively [uncertain]), except within a contract in progress.',
  'La prospection des consommateurs pour la rénovation énergétique ou les énergies renouvelables est interdite par tout canal (appels, SMS, email, réseaux sociaux ; courrier aussi, en lecture prudente [incertain]), sauf contrat en cours.');

const HOME_ADAPTATION_BAN: ProhibitionRule = prohibition('fr.sector_ban.home_adaptation',
  { all: ['b2c', 'sector_home_adaptation', { not: 'contract_active' }] }, 'all', { from: '2025-07-02', to: null },
  'Code de la consommation art. L.223-8 (loi n° 2025-594 du 30 juin 2025, JO 1er juillet 2025)',
  'Since 2025-07-02, canvassing consumers for home adaptation to age or disability (MaPrimeAdapt\' works, adapted bathrooms, stairlifts) is banned on every channel (postal mail included, read conservatively [uncertain]), except within a contract in progress.',
  'Depuis le 2 juillet 2025, la prospection des consommateurs pour l\u2019adaptation du logement au vieillissement ou au handicap (travaux MaPrimeAdapt\', salles de bains adaptées, monte-escaliers) est interdite par tout canal (courrier compris, en lecture prudente [incertain]), sauf contrat en cours.');

// A free-text sector that might be banned is not allowed silently: the record is at risk until a sector of the
// closed list is picked (the ban itself applies only to listed sectors or sure keywords).
const POSSIBLE_BAN: WarningRule = warning('fr.sector_ban.possible',
  { all: ['b2c', 'sector_possible_ban', { not: 'contract_active' }, { not: 'sector_energy' }, { not: 'sector_home_adaptation' }] },
  { from: '2025-07-02', to: null }, 'Code de la consommation art. L.223-8 (loi n° 2025-594)',
  'The sector given in free text might fall under the L.223-8 canvassing ban (energy renovation, renewables, home adaptation): pick the sector from the list before prospecting consumers.',
  'Le secteur saisi en texte libre pourrait relever de l\u2019interdiction de démarchage de l\u2019article L.223-8 (rénovation énergétique, énergies renouvelables, adaptation du logement) : choisir le secteur dans la liste avant de prospecter des consommateurs.');

const SCRAPED_B2B_WARNING: WarningRule = warning('fr.source.scraped_b2b',
  { all: ['source_scraped', { any: ['b2b_nominative', 'b2b_generic'] }] }, { from: null, to: null }, SCRAPED_B2B,
  'Scraped data (by hand or by a tool reading profiles): lawful use needs a relevant offer, the Art. 14 notice at the first message and a short retention; the CNIL fined KASPR 240,000 EUR for this pattern.',
  'Données aspirées (à la main ou par un outil qui lit les profils) : un usage licite suppose une offre pertinente, l\u2019information de l\u2019article 14 au premier message et une conservation courte ; la CNIL a sanctionné KASPR de 240 000 EUR pour ce schéma.');

const D223_9 = 'Code de la consommation art. D.223-9 (décret n° 2022-1313 du 13 octobre 2022, in force 2023-03-01)';

const CALLING: CallingRules = {
  rule: 'fr.phone.calling_slots',
  citation: D223_9,
  text: 'Consumer calls: Monday to Friday 10:00-13:00 and 14:00-20:00 local time, no public holidays, at most 4 attempts per 30 days, 60 days of silence after a refusal.',
  textFr: 'Appels aux consommateurs : du lundi au vendredi, 10 h-13 h et 14 h-20 h (heure locale), jamais un jour férié, 4 tentatives au plus par 30 jours, 60 jours sans appel après un refus.',
  weekdays: [1, 2, 3, 4, 5],
  windows: [[600, 780], [840, 1200]],
  noPublicHolidays: true,
  maxAttemptsPer30Days: 4,
  pauseAfterRefusalDays: 60,
  validFrom: '2023-03-01',
  limitWhen: 'b2c',
  limitChannels: ['phone', 'automated_call'],
  attemptsReason: {
    rule: 'fr.phone.call_limit.attempts', citation: D223_9,
    text: 'At most 4 calls or attempts per 30 days by one professional to one consumer: the limit is reached; no call until the date given.',
    textFr: 'Au plus 4 appels ou tentatives par 30 jours d\u2019un même professionnel vers un même consommateur : la limite est atteinte ; aucun appel avant la date indiquée.',
  },
  refusalReason: {
    rule: 'fr.phone.call_limit.refusal', citation: `${D223_9} [uncertain: kept after the 2026 decree]`,
    text: 'The consumer refused during a call: no new call for 60 days, until the date given.',
    textFr: 'Le consommateur a refusé lors d\u2019un appel : aucun nouvel appel pendant 60 jours, jusqu\u2019à la date indiquée.',
  },
};

/** Overseas regions and collectivities judged by the French packs, each with its own local time (D.223-9). */
const OVERSEAS: Readonly<Record<string, string>> = {
  RE: 'Indian/Reunion', GP: 'America/Guadeloupe', MQ: 'America/Martinique', GF: 'America/Cayenne',
  YT: 'Indian/Mayotte', PM: 'America/Miquelon', BL: 'America/St_Barthelemy', MF: 'America/Marigot',
};
const FR_JURISDICTIONS = ['FR', ...Object.keys(OVERSEAS)];

const COMMON_UNCERTAIN = [
  'Fax to professionals needs consent (the CNIL gives no B2B rule).',
  'Automated calls to a sole trader (flag `soleTrader`) need consent.',
  'Automated calls for a charity need consent.',
  'The L.223-8 sector bans also cover postal mail (the texts list calls, SMS, email and social networks).',
  'A free account without a purchase does not qualify for soft opt-in (CNIL; Inteligo Media C-654/23 not applied).',
  'The D.223-9 call caps also apply to automated calls, and the 60-day pause after a refusal is kept.',
  'Scraped professional data: email on legitimate interest (relevant offer, Art. 14 notice); SMS, DMs and automated calls need consent.',
];

export const FRANCE_BLOCTEL: RulePack = {
  id: 'fr-bloctel',
  title: 'France, Bloctel regime for consumer calls (until 2026-08-10)',
  jurisdictions: FR_JURISDICTIONS,
  validFrom: null,
  validTo: '2026-08-10',
  timeZone: 'Europe/Paris',
  territories: OVERSEAS,
  consentMaxAgeDays: {},
  prohibitions: [ENERGY_BAN, HOME_ADAPTATION_BAN, ENERGY_PHONE_BAN],
  warnings: [POSSIBLE_BAN, SCRAPED_B2B_WARNING],
  channels: {
    email: electronic('email'), sms: electronic('sms'), social_dm: electronic('social_dm'),
    automated_call: AUTOMATED, fax: FAX, phone: PHONE_BLOCTEL_RULES, postal: POSTAL_RULES,
  },
  calling: CALLING,
  uncertain: COMMON_UNCERTAIN,
};

export const FRANCE_2026_08: RulePack = {
  id: 'fr-2026-08',
  title: 'France, consent regime for consumer calls (from 2026-08-11)',
  jurisdictions: FR_JURISDICTIONS,
  validFrom: '2026-08-11',
  validTo: null,
  timeZone: 'Europe/Paris',
  territories: OVERSEAS,
  consentMaxAgeDays: {
    phone: {
      days: 365,
      reason: {
        rule: 'fr.phone.consent.max_age',
        citation: 'Code de la consommation art. L.223-1; décret n° 2026-662 du 23 juillet 2026 [uncertain]',
        text: '[uncertain] A phone consent is valid for at most one year and is never renewed tacitly; this one is older.',
        textFr: '[incertain] Un consentement au démarchage téléphonique vaut un an au plus, sans reconduction tacite ; celui-ci est plus ancien.',
      },
    },
  },
  prohibitions: [ENERGY_BAN, HOME_ADAPTATION_BAN, ENERGY_PHONE_BAN],
  warnings: [POSSIBLE_BAN, SCRAPED_B2B_WARNING],
  channels: {
    email: electronic('email'), sms: electronic('sms'), social_dm: electronic('social_dm'),
    automated_call: AUTOMATED, fax: FAX, phone: PHONE_2026_RULES, postal: POSTAL_RULES,
  },
  calling: CALLING,
  uncertain: [
    ...COMMON_UNCERTAIN,
    'A phone consent is valid for at most one year (décret n° 2026-662, figures unverified).',
    'The 60-day pause after a refusal during a call is kept although the 2026 decree reportedly dropped it.',
  ],
};

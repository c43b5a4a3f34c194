// Default for any jurisdiction without its own pack: the strictest reading. Consent for every electronic
// channel and for calls, whoever the recipient; postal mail on objection terms.
import { CHANNELS, type Channel } from '../types.ts';
import { rule } from './build.ts';
import type { ChannelRule, RulePack } from './types.ts';

const CITE = 'GDPR art. 6(1)(a), 7; ePrivacy Directive 2002/58/EC art. 13 (strictest reading)';

function consentOnly(ch: Channel): ChannelRule[] {
  return [rule(`default.${ch}.consent`, 'always', 'consent', CITE,
    'No rule pack for this country: the strictest reading applies and this channel needs prior consent.',
    'Aucun jeu de règles pour ce pays : la lecture la plus stricte s\u2019applique et ce canal requiert le consentement préalable.')];
}

const channels = Object.fromEntries(CHANNELS.map((ch) => [ch, consentOnly(ch)])) as Record<Channel, ChannelRule[]>;
channels.postal = [
  rule('default.postal.generic', 'b2b_generic', 'not_personal_data', 'GDPR art. 4(1)',
    'A generic business address is not personal data: postal mail allowed.',
    'Une adresse professionnelle générique n\u2019est pas une donnée personnelle : courrier permis.'),
  rule('default.postal.li', 'always', 'legitimate_interest', 'GDPR art. 6(1)(f), 21(2)',
    'No rule pack for this country: postal mail on legitimate interest, honouring objections.',
    'Aucun jeu de règles pour ce pays : courrier postal sur intérêt légitime, en respectant les oppositions.'),
];

export const STRICTEST: RulePack = {
  id: 'default-strict',
  title: 'Any other country: strictest reading',
  jurisdictions: ['*'],
  validFrom: null,
  validTo: null,
  timeZone: 'UTC',
  consentMaxAgeDays: {},
  prohibitions: [],
  channels,
  calling: null,
  uncertain: ['Every electronic channel and every call needs consent, generic addresses included; no soft opt-in.'],
};

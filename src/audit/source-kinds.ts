// How people write where a contact came from ("salon", "achat de fichier", "Trade Show", "Purchased List")
// read as the contract's source kinds. A value nobody recognises is kept as the source's detail and judged as
// `unknown` (the strictest reading: high risk, notice due), and the summary lists it so the user can check.
import { SOURCE_KINDS } from '../engine/types.ts';
import type { SourceKind } from '../engine/types.ts';
import { foldHeader } from './column-names.ts';

const WORDS: Record<SourceKind, string[]> = {
  web_form: ['formulaire', 'formulaire web', 'formulaire de contact', 'formulaire site', 'site web', 'site internet',
    'web', 'website', 'web form', 'online form', 'landing page', 'newsletter', 'inscription newsletter', 'webinar',
    'webinaire', 'téléchargement livre blanc', 'livre blanc', 'white paper', 'ebook', 'organic search', 'paid search',
    'direct traffic', 'social media', 'paid social', 'email marketing', 'other campaigns', 'seo', 'sea'],
  trade_show: ['salon', 'salon professionnel', 'foire', 'exposition', 'trade show', 'tradeshow', 'trade fair', 'expo',
    'exhibition', 'conference', 'conférence', 'évènement', 'événement', 'event', 'seminar', 'séminaire', 'stand'],
  business_card: ['carte de visite', 'cartes de visite', 'business card', 'card', 'échange de cartes'],
  inbound_request: ['demande entrante', 'demande de contact', 'demande de devis', 'devis', 'appel entrant',
    'inbound', 'inbound request', 'inbound call', 'phone inquiry', 'web inquiry', 'contact request', 'demande client'],
  purchased_list: ['achat de fichier', 'fichier acheté', 'fichier achete', 'achat de base', 'base achetée',
    'liste achetée', 'achat', 'purchased list', 'purchased', 'bought list', 'list purchase'],
  rented_list: ['location de fichier', 'fichier loué', 'fichier loue', 'base louée', 'liste louée', 'location',
    'rented list', 'rented', 'list rental', 'rental'],
  data_broker: ['courtier', 'courtier en données', 'courtier de données', 'data broker', 'broker', 'databroker'],
  partner_transfer: ['partenaire', 'transfert partenaire', 'fichier partenaire', 'partner', 'partner transfer',
    'co-registration', 'coregistration', 'co-registration partner', 'coregistration partenaire'],
  scraped: ['scraping', 'scrapé', 'scrape', 'scraped', 'web scraping', 'extraction web', 'annuaire en ligne',
    'pages jaunes', 'extraction'],
  enrichment_tool: ['enrichissement', 'outil d\'enrichissement', 'enrichment', 'enrichment tool', 'data enrichment',
    'lusha', 'kaspr', 'dropcontact', 'apollo', 'zoominfo', 'cognism'],
  manual_entry: ['saisie manuelle', 'saisie', 'manuel', 'manual', 'manual entry', 'offline sources', 'offline'],
  import: ['import', 'importé', 'imported', 'import de fichier', 'file import', 'migration', 'crm migration'],
  existing_customer: ['client', 'client existant', 'clients', 'customer', 'existing customer', 'base clients',
    'ancien client'],
  referral: ['recommandation', 'parrainage', 'bouche à oreille', 'bouche a oreille', 'referral', 'referrals',
    'partner referral', 'employee referral', 'word of mouth', 'external referral', 'recommendation'],
  unknown: ['inconnu', 'inconnue', 'non renseigné', 'nc', 'n/a', 'na', 'autre', 'other', 'unknown', '?', '-'],
};

const TABLE = new Map<string, SourceKind>();
for (const kind of SOURCE_KINDS) TABLE.set(foldHeader(kind), kind);
for (const [kind, words] of Object.entries(WORDS) as [SourceKind, string[]][]) {
  for (const word of words) {
    const key = foldHeader(word);
    if (key !== '' && !TABLE.has(key)) TABLE.set(key, kind);
  }
}

const memo = new Map<string, SourceKind | null>();

/** The source kind a cell names, or null when it names none we know. */
export function recogniseSourceKind(raw: string): SourceKind | null {
  const hit = memo.get(raw);
  if (hit !== undefined) return hit;
  const kind = lookUp(raw);
  if (memo.size >= 10_000) memo.clear();
  memo.set(raw, kind);
  return kind;
}

function lookUp(raw: string): SourceKind | null {
  const key = foldHeader(raw);
  if (key === '') return raw.trim() === '' ? null : 'unknown';
  const direct = TABLE.get(key);
  if (direct) return direct;
  // "Salon VivaTech 2025", "Achat de fichier ListCo": the longest known phrase at the start decides.
  let best: SourceKind | null = null;
  let bestLength = 0;
  for (const [phrase, kind] of TABLE) {
    if (phrase.length > bestLength && phrase.length >= 4 && key.startsWith(phrase)) {
      best = kind;
      bestLength = phrase.length;
    }
  }
  return best;
}

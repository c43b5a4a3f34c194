// Sectors of the offer, for the French canvassing bans (Code de la consommation L.223-8 as amended by loi
// n° 2025-594): energy-saving renovation and renewable-energy installation, and home adaptation for age or
// disability. The settings page and `audit --sector` pick from the closed list `SECTORS`; a contact's free-text
// `sector` is matched against it first (an id or a label), then by keywords (accents, case and punctuation
// ignored). Keywords that surely name a banned activity ban; vaguer ones (`POSSIBLE_BAN_KEYWORDS`) only warn:
// the record is `at_risk` until the sector is picked from the list. Keywords stay specific where a bare word
// would catch other trades ("solaire" alone is also sun cream).
import type { Predicate } from './types.ts';

export type BanPredicate = Extract<Predicate, 'sector_energy' | 'sector_home_adaptation'>;

export interface Sector {
  id: string;
  en: string;
  fr: string;
  /** The ban predicate the sector sets, or null for a sector under no ban. */
  ban: BanPredicate | null;
}

/** The closed list (settings page, `audit --sector`). Ordered as shown: banned groups first, then the rest. */
export const SECTORS: readonly Sector[] = [
  { id: 'energy_renovation', en: 'Energy renovation (whole-home, MaPrimeRénov\', CEE works)', fr: 'Rénovation énergétique (globale, MaPrimeRénov\', travaux CEE)', ban: 'sector_energy' },
  { id: 'insulation', en: 'Insulation (walls, roofs, attics, floors)', fr: 'Isolation (murs, toiture, combles, planchers)', ban: 'sector_energy' },
  { id: 'windows_glazing', en: 'Windows, doors and glazing', fr: 'Fenêtres, menuiseries et vitrages', ban: 'sector_energy' },
  { id: 'heating_boilers', en: 'Heating: boilers, radiators, heating systems', fr: 'Chauffage : chaudières, radiateurs, systèmes de chauffage', ban: 'sector_energy' },
  { id: 'heat_pumps', en: 'Heat pumps and air conditioning', fr: 'Pompes à chaleur et climatisation', ban: 'sector_energy' },
  { id: 'wood_pellet_stoves', en: 'Wood and pellet stoves and boilers', fr: 'Poêles et chaudières à bois ou à granulés', ban: 'sector_energy' },
  { id: 'water_heaters', en: 'Water heaters (thermodynamic, solar)', fr: 'Chauffe-eau (thermodynamiques, solaires)', ban: 'sector_energy' },
  { id: 'ventilation', en: 'Ventilation (mechanical, heat recovery)', fr: 'Ventilation (VMC simple ou double flux)', ban: 'sector_energy' },
  { id: 'energy_audit', en: 'Energy audits and diagnostics, renovation support', fr: 'Audits et diagnostics énergétiques, accompagnement à la rénovation', ban: 'sector_energy' },
  { id: 'solar_pv', en: 'Solar panels (photovoltaic) and batteries', fr: 'Panneaux solaires photovoltaïques et batteries', ban: 'sector_energy' },
  { id: 'solar_thermal', en: 'Solar thermal installations', fr: 'Solaire thermique', ban: 'sector_energy' },
  { id: 'geothermal', en: 'Geothermal installations', fr: 'Géothermie', ban: 'sector_energy' },
  { id: 'wind_small', en: 'Small wind turbines', fr: 'Petit éolien', ban: 'sector_energy' },
  { id: 'renewable_energy', en: 'Other renewable-energy installation', fr: 'Autre installation d\u2019énergie renouvelable', ban: 'sector_energy' },
  { id: 'home_adaptation', en: 'Home adaptation for age or disability (MaPrimeAdapt\')', fr: 'Adaptation du logement à l\u2019âge ou au handicap (MaPrimeAdapt\')', ban: 'sector_home_adaptation' },
  { id: 'adapted_bathrooms', en: 'Adapted bathrooms, walk-in and PMR showers', fr: 'Salles de bains adaptées, douches PMR ou de plain-pied', ban: 'sector_home_adaptation' },
  { id: 'stairlifts', en: 'Stairlifts, home lifts and mobility equipment fitted in the home', fr: 'Monte-escaliers, élévateurs et équipements de mobilité installés au domicile', ban: 'sector_home_adaptation' },
  { id: 'software', en: 'Software and IT services', fr: 'Logiciels et services informatiques', ban: null },
  { id: 'professional_services', en: 'Professional services (consulting, legal, accounting)', fr: 'Services aux entreprises (conseil, juridique, comptabilité)', ban: null },
  { id: 'financial_services', en: 'Banking, credit and insurance', fr: 'Banque, crédit et assurance', ban: null },
  { id: 'telecom', en: 'Telecommunications and internet access', fr: 'Télécommunications et accès à internet', ban: null },
  { id: 'energy_supply', en: 'Electricity or gas supply contracts (no works)', fr: 'Fourniture d\u2019électricité ou de gaz (sans travaux)', ban: null },
  { id: 'retail', en: 'Retail and e-commerce', fr: 'Commerce et vente en ligne', ban: null },
  { id: 'real_estate', en: 'Real estate (sale, rental, management)', fr: 'Immobilier (vente, location, gestion)', ban: null },
  { id: 'training', en: 'Training and education', fr: 'Formation et enseignement', ban: null },
  { id: 'health_wellbeing', en: 'Health, wellbeing and personal care (no home works)', fr: 'Santé, bien-être et soins (sans travaux au domicile)', ban: null },
  { id: 'media_events', en: 'Media, publishing and events', fr: 'Médias, édition et événements', ban: null },
  { id: 'other', en: 'Other (none of the above)', fr: 'Autre (aucun des secteurs ci-dessus)', ban: null },
];

export const SECTOR_IDS: readonly string[] = SECTORS.map((s) => s.id);

/** Keywords that surely name a banned activity, matched in the normalised text (` word ` = whole word). */
export const BANNED_SECTORS_L223_8: readonly { id: string; predicate: BanPredicate; keywords: readonly string[] }[] = [
  {
    id: 'energy_renovation',
    predicate: 'sector_energy',
    keywords: ['energy renovation', 'renovation energetique', 'energy efficiency', 'performance energetique',
      'audit energetique', 'energy audit', 'diagnostic energetique', 'maprimerenov', 'ma prime renov',
      'certificats d economies d energie', 'economies d energie', 'energy saving', 'isolation thermique',
      'isolation des combles', 'isolation exterieure', 'isolation interieure', 'isolation des murs',
      'isolation des sols', 'isolation des planchers', 'isolation du plancher', 'isolation de la toiture',
      'isolation a 1 euro', 'thermal insulation', 'home insulation', 'wall insulation',
      'floor insulation', 'loft insulation', 'roof insulation', 'cavity wall', 'double vitrage', 'triple vitrage',
      'double glazing', 'triple glazing', 'fenetres', 'fenetre pvc', 'menuiseries exterieures', 'replacement windows',
      'chaudiere', 'chaudieres', ' boiler ', ' boilers ', 'pompe a chaleur', 'pompes a chaleur', 'heat pump',
      'heat pumps', 'poele a granules', 'poeles a granules', 'poele a bois', 'pellet stove', 'wood stove',
      'granules de bois', 'chauffe eau thermodynamique', 'ballon thermodynamique', 'thermodynamic water heater',
      ' vmc ', 'ventilation double flux', 'heat recovery ventilation', 'radiateurs a inertie'],
  },
  {
    id: 'renewable_energy',
    predicate: 'sector_energy',
    keywords: ['renewable energy', 'renewables', 'energie renouvelable', 'energies renouvelables', ' enr ',
      'photovoltai', 'solar panel', 'solar energy', 'solar installation', 'solar thermal', 'panneaux solaires',
      'panneau solaire', 'energie solaire', 'installation solaire', 'solaire thermique', 'chauffe eau solaire',
      'geothermie', 'geothermal', 'eolien', 'wind turbine', 'biomasse', 'biomass'],
  },
  {
    id: 'home_adaptation',
    predicate: 'sector_home_adaptation',
    keywords: ['home adaptation', 'adaptation du logement', 'adaptation de l habitat', 'adaptation du domicile',
      'maprimeadapt', 'ma prime adapt', 'monte escalier', 'monte escaliers', 'siege monte', 'stairlift',
      'stair lift', 'perte d autonomie', 'accessibility adaptation', 'senior home', 'salle de bain adaptee',
      'salles de bains adaptees', 'salle de bains senior', 'douche pmr', 'douche de plain pied',
      'douche a l italienne senior', 'walk in shower', 'walk in bath', 'baignoire a porte', 'adapted bathroom',
      'accessible bathroom', 'barres d appui', 'grab rails', 'elevateur domestique', 'home lift'],
  },
];

/** Vaguer words: the sector might fall under a ban; the record is `at_risk` until a listed sector is picked. */
export const POSSIBLE_BAN_KEYWORDS: readonly string[] = [
  'renovation', 'travaux', ' works ', 'chauffage', 'heating', 'energie', ' energy ', 'energetique', 'isolation',
  'insulation', 'solaire', ' solar ', 'habitat', 'logement', 'housing', 'home improvement', 'amelioration de l habitat',
  'batiment', ' btp ', 'plomberie', 'plumbing', 'plombier', 'salle de bain', 'salles de bains', 'bathroom',
  'menuiserie', 'fenetre', ' window ', 'toiture', 'roofing', 'couvreur', 'climatisation', 'air conditioning',
  ' rge ', ' cee ', ' pac ', ' ite ', ' pmr ', 'autonomie', 'handicap', 'disability', 'accessibilite du logement',
  'mobilite reduite', 'eau chaude', 'hot water', 'domotique',
];

/** Phrases that explain a vague word away (sun cream is not solar energy): they silence the warning, never a ban. */
export const NOT_A_BAN_PHRASES: readonly string[] = [
  'creme solaire', 'cremes solaires', 'protection solaire', 'lunettes de soleil', 'lunettes solaires', 'sun cream',
  'sunscreen', 'energy drink', 'boissons energisantes', 'boisson energisante', 'windows software', 'microsoft windows',
];

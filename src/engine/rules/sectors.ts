// Sectors under the French canvassing ban (Code de la consommation L.223-8). A contact's free-text
// `sector` matches when, once lower-cased and stripped of accents, it contains one of these keywords.
// Keywords stay specific: a bare "solaire" would also catch sun cream.
import type { Predicate } from './types.ts';

export const BANNED_SECTORS_L223_8: readonly { id: string; predicate: Predicate; keywords: readonly string[] }[] = [
  {
    id: 'energy_renovation',
    predicate: 'sector_energy',
    keywords: ['energy_renovation', 'energy renovation', 'renovation energetique', 'isolation thermique',
      'isolation des combles', 'isolation exterieure', 'thermal insulation', 'home insulation', 'pompe a chaleur',
      'pompes a chaleur', 'heat pump', 'energy efficiency', 'performance energetique', 'audit energetique'],
  },
  {
    id: 'renewable_energy',
    predicate: 'sector_energy',
    keywords: ['renewable_energy', 'renewable energy', 'renewables', 'energie renouvelable', 'energies renouvelables',
      'photovoltai', 'solar panel', 'solar energy', 'solar installation', 'panneaux solaires', 'panneau solaire',
      'energie solaire', 'installation solaire', 'chauffe eau solaire', 'eolien', 'wind turbine'],
  },
  {
    id: 'home_adaptation',
    predicate: 'sector_home_adaptation',
    keywords: ['home_adaptation', 'home adaptation', 'adaptation du logement', 'adaptation de l habitat',
      'monte escalier', 'stairlift', 'perte d autonomie', 'accessibility adaptation', 'senior home'],
  },
];

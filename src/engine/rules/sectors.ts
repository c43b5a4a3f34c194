// Sectors under the French canvassing ban (Code de la consommation L.223-8). A contact's free-text
// `sector` matches when, once lower-cased and stripped of accents, it contains one of these keywords.
export const BANNED_SECTORS_L223_8: readonly { id: string; keywords: readonly string[] }[] = [
  {
    id: 'energy_renovation',
    keywords: ['energy_renovation', 'energy renovation', 'renovation energetique', 'isolation thermique',
      'thermal insulation', 'home insulation', 'pompe a chaleur', 'heat pump', 'energy efficiency', 'performance energetique'],
  },
  {
    id: 'renewable_energy',
    keywords: ['renewable_energy', 'renewable', 'energie renouvelable', 'energies renouvelables', 'photovoltai',
      'solar panel', 'panneaux solaires', 'panneau solaire', 'solaire', 'eolien'],
  },
  {
    id: 'home_adaptation',
    keywords: ['home_adaptation', 'home adaptation', 'adaptation du logement', 'adaptation de l habitat',
      'monte escalier', 'stairlift', 'perte d autonomie', 'accessibility adaptation', 'senior home'],
  },
];

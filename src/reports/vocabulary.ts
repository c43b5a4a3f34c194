// The words of the reports, in French and English: what each ledger entry, channel, method, lever and actor is
// called for a reader who never saw the app, and the rule each kind of entry rests on. Codes stay here.
export type ReportLang = 'en' | 'fr';
export type Words = Record<ReportLang, string>;

export const w = (en: string, fr: string): Words => ({ en, fr });

export const CHANNEL_WORDS: Record<string, Words> = {
  email: w('email', 'e-mail'),
  sms: w('text message (SMS)', 'SMS'),
  social_dm: w('social-network direct message', 'message privé sur un réseau social'),
  automated_call: w('automated call', 'appel automatisé'),
  fax: w('fax', 'télécopie'),
  phone: w('telephone call', 'appel téléphonique'),
  postal: w('post', 'courrier postal'),
  all: w('every channel', 'tous les canaux'),
};

export const METHOD_WORDS: Record<string, Words> = {
  unticked_checkbox: w('an unticked checkbox the person ticked', 'une case non pré-cochée, cochée par la personne'),
  double_opt_in: w('double opt-in (confirmed by email)', 'double opt-in (confirmé par e-mail)'),
  signed_form: w('a signed form', 'un formulaire signé'),
  oral_recorded: w('a recorded oral consent', 'un consentement oral enregistré'),
  pre_ticked_checkbox: w('a pre-ticked checkbox (not valid consent)', 'une case pré-cochée (consentement non valable)'),
  terms_acceptance: w('acceptance of general terms (not valid consent)', 'l’acceptation de conditions générales (consentement non valable)'),
  implicit: w('an implicit act (not valid consent)', 'un acte implicite (consentement non valable)'),
  web_form: w('a web form', 'un formulaire web'),
};

export const ORIGIN_WORDS: Record<string, Words> = {
  preference_centre: w('on the preference centre', 'sur le centre de préférences'),
  one_click_unsubscribe: w('by a one-click unsubscribe from an email', 'par un désabonnement en un clic depuis un e-mail'),
  card: w('from the compliance card in the CRM', 'depuis la fiche de conformité du CRM'),
  hubspot_email_optout: w('by an email opt-out recorded in HubSpot', 'par une désinscription e-mail enregistrée dans HubSpot'),
  import: w('from an imported opposition file', 'depuis un fichier d’opposition importé'),
  dsr: w('through a data subject request', 'par une demande de la personne concernée'),
  workflow: w('by a HubSpot workflow', 'par un workflow HubSpot'),
};

export const BLOCKER_WORDS: Record<string, Words> = {
  needs_consent: w('email prospecting needs the person’s consent', 'la prospection par e-mail exige le consentement de la personne'),
  invalid_consent: w('the recorded consent is not valid', 'le consentement enregistré n’est pas valable'),
  objected: w('the person objected', 'la personne s’est opposée'),
  retention_expired: w('the retention period has ended', 'la durée de conservation est écoulée'),
  forbidden: w('prospecting is not allowed for this contact', 'la prospection n’est pas permise pour ce contact'),
};

export const LEVER_WORDS: Record<string, Words> = {
  block_properties: w('contact flagged as blocked in HubSpot', 'contact marqué « bloqué » dans HubSpot'),
  workflow_unenroll: w('removal from the sequence by a HubSpot workflow', 'retrait de la séquence par un workflow HubSpot'),
  one_to_one_unsubscribe: w('unsubscribed from one-to-one sales email', 'désabonnement des e-mails commerciaux individuels'),
  owner_task: w('task for the contact owner', 'tâche pour le propriétaire du contact'),
  unsubscribe_all_v4: w('unsubscribed from every email subscription in HubSpot', 'désabonnement de tous les abonnements e-mail dans HubSpot'),
  unsubscribe_v3: w('unsubscribed from each email subscription type in HubSpot', 'désabonnement de chaque type d’abonnement e-mail dans HubSpot'),
  none: w('no HubSpot update', 'aucune mise à jour HubSpot'),
};

export const LEVER_STATUS_WORDS: Record<string, Words> = {
  done: w('done', 'fait'),
  unavailable: w('not available in this account', 'indisponible dans ce compte'),
  failed: w('failed', 'échec'),
  skipped: w('not used (portal setting)', 'non utilisé (réglage du portail)'),
};

export const DETECTED_BY_WORDS: Record<string, Words> = {
  webhook: w('a HubSpot change notification', 'une notification de modification HubSpot'),
  poll: w('the periodic check of sequences', 'le contrôle périodique des séquences'),
  card: w('the compliance card', 'la fiche de conformité'),
};

export const REQUEST_WORDS: Record<string, Words> = {
  access: w('access', 'd’accès'),
  erasure: w('erasure', 'd’effacement'),
  objection: w('objection', 'd’opposition'),
  rectification: w('rectification', 'de rectification'),
  restriction: w('restriction', 'de limitation'),
  portability: w('portability', 'de portabilité'),
};

export const OUTCOME_WORDS: Record<string, Words> = {
  fulfilled: w('fulfilled', 'satisfaite'),
  rejected: w('rejected', 'rejetée'),
  withdrawn: w('withdrawn by the person', 'retirée par la personne'),
};

export const RETENTION_ACTION_WORDS: Record<string, Words> = {
  warned: w('Owner warned that the contact’s retention period ends soon', 'Propriétaire averti de la fin prochaine de la durée de conservation'),
  expired_notified: w('Owner told that the retention period has ended', 'Propriétaire informé que la durée de conservation est écoulée'),
  archived: w('Contact archived at the end of its retention period', 'Contact archivé à la fin de sa durée de conservation'),
  sweep_report: w('Retention sweep completed', 'Passage de contrôle des durées de conservation terminé'),
};

/** Ledger kinds: a title, and the rule the entry evidences. */
export const KIND_WORDS: Record<string, { title: Words; rule: Words }> = {
  consent: { title: w('Consent recorded', 'Consentement enregistré'), rule: w('GDPR art. 6(1)(a) and 7; CPCE art. L.34-5', 'RGPD art. 6.1.a et 7 ; CPCE art. L.34-5') },
  withdrawal: { title: w('Consent withdrawn', 'Consentement retiré'), rule: w('GDPR art. 7(3)', 'RGPD art. 7.3') },
  objection: { title: w('Objection to prospecting', 'Opposition à la prospection'), rule: w('GDPR art. 21(2) and (3)', 'RGPD art. 21.2 et 21.3') },
  verdict_change: { title: w('Contact judged again', 'Contact réévalué'), rule: w('GDPR art. 5(2) and 24 (accountability)', 'RGPD art. 5.2 et 24 (responsabilité)') },
  block: { title: w('Sequence stopped', 'Séquence arrêtée'), rule: w('GDPR art. 21(3); CPCE art. L.34-5', 'RGPD art. 21.3 ; CPCE art. L.34-5') },
  notice: { title: w('Notice', 'Information'), rule: w('GDPR art. 12(3)', 'RGPD art. 12.3') },
  erasure: { title: w('Data erased', 'Données effacées'), rule: w('GDPR art. 17', 'RGPD art. 17') },
  access_export: { title: w('Copy of the data provided', 'Copie des données fournie'), rule: w('GDPR art. 15', 'RGPD art. 15') },
  dsr_opened: { title: w('Request received', 'Demande reçue'), rule: w('GDPR art. 12(3) (one month)', 'RGPD art. 12.3 (un mois)') },
  dsr_closed: { title: w('Request answered', 'Demande traitée'), rule: w('GDPR art. 12(3)', 'RGPD art. 12.3') },
  suppression_import: { title: w('Opposition list imported', 'Liste d’opposition importée'), rule: w('GDPR art. 21; opposition registries', 'RGPD art. 21 ; listes d’opposition') },
  retention_action: { title: w('Retention period', 'Durée de conservation'), rule: w('GDPR art. 5(1)(e); CNIL: three years after the last contact', 'RGPD art. 5.1.e ; CNIL : trois ans après le dernier contact') },
  settings_change: { title: w('Settings changed', 'Réglages modifiés'), rule: w('GDPR art. 24 and 30', 'RGPD art. 24 et 30') },
  chain_rekeyed: { title: w('Register sealed with a key', 'Registre scellé par une clé'), rule: w('GDPR art. 5(1)(f) and 32 (integrity)', 'RGPD art. 5.1.f et 32 (intégrité)') },
};

/** Who acted, from the ledger's actor field (user ids stay: they name a HubSpot user of the controller). */
export function actorWords(actor: string, lang: ReportLang): string {
  const t = (en: string, fr: string) => (lang === 'fr' ? fr : en);
  const user = /^user:(\d+)$/.exec(actor);
  if (user) return t(`HubSpot user ${user[1]}`, `l’utilisateur HubSpot ${user[1]}`);
  if (actor === 'user:unknown') return t('a HubSpot user', 'un utilisateur HubSpot');
  if (actor.startsWith('data-subject:') || actor === 'preference-centre') return t('the person concerned', 'la personne concernée');
  if (actor.startsWith('dsr:')) return t('the person concerned (request)', 'la personne concernée (demande)');
  if (actor === 'hubspot:hs_email_optout') return t('HubSpot (email opt-out)', 'HubSpot (désinscription e-mail)');
  if (actor === 'retention-sweep') return t('Prospect Guard, retention check', 'Prospect Guard, contrôle de conservation');
  if (actor === 'dsr-reminders') return t('Prospect Guard, request reminders', 'Prospect Guard, rappels des demandes');
  if (actor === 'prospect-guard:sequence-enforcer') return t('Prospect Guard, sequence blocking', 'Prospect Guard, blocage des séquences');
  if (actor === 'cli') return t('an operator (command line)', 'un opérateur (ligne de commande)');
  if (actor.startsWith('prospect-guard')) return 'Prospect Guard';
  return actor;
}

/** IANA time zone of the controller's jurisdiction (the settings' default jurisdiction). */
export const JURISDICTION_TIME_ZONES: Record<string, string> = {
  FR: 'Europe/Paris', BE: 'Europe/Brussels', DE: 'Europe/Berlin', ES: 'Europe/Madrid', IT: 'Europe/Rome', GB: 'Europe/London',
  NL: 'Europe/Amsterdam', LU: 'Europe/Luxembourg', IE: 'Europe/Dublin', PT: 'Europe/Lisbon', AT: 'Europe/Vienna', CH: 'Europe/Zurich',
};

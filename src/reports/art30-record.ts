// The record of processing activities (GDPR art. 30(1)) for the prospecting processing, generated from the
// portal's settings: controller and DPO, purposes and legal bases, categories of persons and data, sources,
// recipients, transfers, retention, security measures. What the settings cannot know (the HubSpot account's
// hosting region, other processors) is written as a point for the controller to confirm, never assumed away.
import { controllerBlock, esc, formatDateTime, renderDocument, signatureBlock, type Controller } from './document.ts';
import { w, type ReportLang, type Words } from './vocabulary.ts';
import type { EvidenceState } from '../ledger/integrity.ts';

export interface Art30Settings {
  controller: Controller | null;
  offerDescription: string;
  activity: string;
  targetRoles: string[];
  defaultJurisdiction: string;
  retention: { prospectYears: number; customerYears: number; warningDays: number };
  expiryAction: 'notify' | 'archive' | 'delete';
  sequenceBlocking: 'enforce' | 'flag_only' | 'off';
  preferenceCentreEnabled: boolean;
}

export interface Art30Input {
  portalId: number;
  settings: Art30Settings;
  lang: ReportLang;
  generatedAt: Date;
  timeZone: string;
  /** The evidence register's state, when known (a security measure in place). */
  registerState?: EvidenceState | null;
}

const EXPIRY_WORDS: Record<Art30Settings['expiryAction'], Words> = {
  notify: w('the contact owner is told to delete or renew the contact', 'le propriétaire du contact est invité à le supprimer ou à renouveler la relation'),
  archive: w('the contact is archived in HubSpot (restorable for 90 days, then deleted by HubSpot)', 'le contact est archivé dans HubSpot (restaurable 90 jours, puis supprimé par HubSpot)'),
  delete: w('the contact is permanently deleted (GDPR deletion in HubSpot)', 'le contact est supprimé définitivement (suppression RGPD dans HubSpot)'),
};

const SOURCE_GROUPS: { title: Words; items: Words }[] = [
  { title: w('Collected from the person', 'Collectées auprès de la personne'), items: w('web forms, trade shows, business cards, requests the person made, referrals, existing customers', 'formulaires web, salons, cartes de visite, demandes de la personne, recommandations, clients existants') },
  { title: w('Obtained from third parties (art. 14 notice due)', 'Obtenues auprès de tiers (information de l’art. 14 due)'), items: w('purchased or rented lists, data brokers, partners, enrichment tools', 'fichiers achetés ou loués, courtiers en données, partenaires, outils d’enrichissement') },
  { title: w('Other', 'Autres'), items: w('manual entry and imports by the controller’s staff; collection from public web pages is marked high risk', 'saisie manuelle et imports par le personnel du responsable ; la collecte sur des pages web publiques est signalée à haut risque') },
];

function row(label: string, html: string): string {
  return `<tr><th scope="row">${esc(label)}</th><td>${html}</td></tr>`;
}

const ul = (items: string[]) => `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;

export function renderArt30RecordHtml(input: Art30Input): string {
  const { settings: s, lang, timeZone: tz } = input;
  const t = (en: string, fr: string) => (lang === 'fr' ? fr : en);
  const offer = s.offerDescription.trim() || t('(offer not described in the settings)', '(offre non décrite dans les réglages)');
  const roles = s.targetRoles.length > 0 ? s.targetRoles.join(', ') : t('(no target role set)', '(aucune fonction ciblée renseignée)');
  const blocking = s.sequenceBlocking === 'enforce' ? t('sequences of contacts who may not be reached are stopped automatically', 'les séquences des contacts qui ne peuvent être sollicités sont arrêtées automatiquement')
    : s.sequenceBlocking === 'flag_only' ? t('contacts who may not be reached are flagged (not stopped automatically)', 'les contacts qui ne peuvent être sollicités sont signalés (sans arrêt automatique)')
      : t('sequence checks are switched off', 'le contrôle des séquences est désactivé');
  const register = input.registerState === 'broken' ? t(' (last check: integrity NOT established)', ' (dernier contrôle : intégrité NON établie)')
    : input.registerState ? t(' (last check: intact)', ' (dernier contrôle : intègre)') : '';

  const body = `
<section aria-labelledby="a"><h2 id="a">${esc(t('1. Controller and data protection officer (art. 30(1)(a))', '1. Responsable du traitement et délégué à la protection des données (art. 30.1.a)'))}</h2>
${controllerBlock(s.controller, lang)}</section>

<section aria-labelledby="b"><h2 id="b">${esc(t('2. Processing: commercial prospecting', '2. Traitement : prospection commerciale'))}</h2>
<table class="section-table"><tbody>
${row(t('Purposes (art. 30(1)(b))', 'Finalités (art. 30.1.b)'), ul([
    t(`Prospecting for the controller’s offer: ${offer}${s.activity ? ` (${s.activity})` : ''}, by email, text message, telephone and post.`, `Prospection pour l’offre du responsable : ${offer}${s.activity ? ` (${s.activity})` : ''}, par e-mail, SMS, téléphone et courrier.`),
    t('Managing the lawfulness of that prospecting: legal basis per channel, consents and objections, requests of the persons concerned, retention periods, evidence.', 'Gestion de la licéité de cette prospection : base légale par canal, consentements et oppositions, demandes des personnes concernées, durées de conservation, preuves.'),
  ]))}
${row(t('Legal bases', 'Bases légales'), ul([
    t('Business contacts, about their professional role: legitimate interest (GDPR art. 6(1)(f)), the person being able to object at any time (art. 21); electronic messages only about an offer related to their role (CPCE art. L.34-5, CNIL).', 'Contacts professionnels, en lien avec leur fonction : intérêt légitime (RGPD art. 6.1.f), la personne pouvant s’y opposer à tout moment (art. 21) ; messages électroniques seulement pour une offre en rapport avec leur fonction (CPCE art. L.34-5, CNIL).'),
    t('Private individuals: prior consent for email, text messages and automated calls (CPCE art. L.34-5); for telephone calls, consent since 11 August 2026 (Code de la consommation art. L.223-1 as amended); post: legitimate interest with the right to object.', 'Particuliers : consentement préalable pour l’e-mail, le SMS et les appels automatisés (CPCE art. L.34-5) ; pour les appels téléphoniques, consentement depuis le 11 août 2026 (Code de la consommation art. L.223-1 modifié) ; courrier : intérêt légitime avec droit d’opposition.'),
    t(`Default jurisdiction of the rules applied: ${s.defaultJurisdiction}; a contact’s own country takes precedence when known.`, `Juridiction appliquée par défaut : ${s.defaultJurisdiction} ; le pays du contact prévaut lorsqu’il est connu.`),
  ]))}
${row(t('Categories of persons (art. 30(1)(c))', 'Catégories de personnes (art. 30.1.c)'), ul([
    t(`Business prospects, in particular in the roles: ${roles}.`, `Prospects professionnels, notamment aux fonctions : ${roles}.`),
    t('Private individuals prospected where the rules allow it.', 'Particuliers prospectés lorsque les règles le permettent.'),
    t('Existing customers, for offers similar to what they bought.', 'Clients existants, pour des offres analogues à leurs achats.'),
  ]))}
${row(t('Categories of data (art. 30(1)(c))', 'Catégories de données (art. 30.1.c)'), ul([
    t('Identity: first and last name.', 'Identité : nom et prénom.'),
    t('Contact details: email address, telephone numbers, postal address.', 'Coordonnées : adresse e-mail, numéros de téléphone, adresse postale.'),
    t('Professional life: company, job title, country.', 'Vie professionnelle : entreprise, fonction, pays.'),
    t('Origin of the data: source and date of collection.', 'Origine des données : source et date de collecte.'),
    t('Compliance data: consents and their proof, objections, requests, verdict per channel, sequence enrolment; opposition list kept as hashes only.', 'Données de conformité : consentements et leur preuve, oppositions, demandes, verdict par canal, inscription aux séquences ; liste d’opposition conservée sous forme hachée uniquement.'),
    t('No special category of data (GDPR art. 9) and no data about criminal offences is processed.', 'Aucune catégorie particulière de données (RGPD art. 9) ni donnée d’infraction n’est traitée.'),
  ]))}
${row(t('Sources of the data', 'Sources des données'), ul(SOURCE_GROUPS.map((g) => `${g.title[lang]} : ${g.items[lang]}`.replace(' : ', lang === 'fr' ? ' : ' : ': '))))}
${row(t('Recipients (art. 30(1)(d))', 'Destinataires (art. 30.1.d)'), ul([
    t('The controller’s sales and marketing staff, through their HubSpot user accounts.', 'Le personnel commercial et marketing du responsable, via ses comptes utilisateurs HubSpot.'),
    t('HubSpot, Inc., processor: CRM hosting and email sending.', 'HubSpot, Inc., sous-traitant : hébergement du CRM et envoi des e-mails.'),
    t('The operator of Prospect Guard, processor: compliance checks, preference centre, evidence register.', 'L’exploitant de Prospect Guard, sous-traitant : contrôles de conformité, centre de préférences, registre de preuves.'),
    t('Supervisory authorities and courts, on request.', 'Autorités de contrôle et juridictions, sur demande.'),
  ]))}
${row(t('Transfers outside the EU (art. 30(1)(e))', 'Transferts hors de l’UE (art. 30.1.e)'), ul([
    t('HubSpot, Inc. (United States) is certified under the EU-US Data Privacy Framework (Commission adequacy decision of 10 July 2023) and also offers standard contractual clauses.', 'HubSpot, Inc. (États-Unis) est certifiée au titre du cadre de protection des données UE–États-Unis (décision d’adéquation de la Commission du 10 juillet 2023) et propose aussi des clauses contractuelles types.'),
    t('To confirm by the controller: the hosting region of its HubSpot account (EU or US data centre) and where the Prospect Guard operator hosts the app.', 'À confirmer par le responsable : la région d’hébergement de son compte HubSpot (centre de données UE ou États-Unis) et le lieu d’hébergement de l’application par l’exploitant de Prospect Guard.'),
  ]))}
${row(t('Retention periods (art. 30(1)(f))', 'Durées de conservation (art. 30.1.f)'), ul([
    t(`Prospects: ${s.retention.prospectYears} year(s) from collection or from the last contact initiated by the prospect (an email being opened does not count).`, `Prospects : ${s.retention.prospectYears} an(s) à compter de la collecte ou du dernier contact à l’initiative du prospect (l’ouverture d’un e-mail ne compte pas).`),
    t(`Customers: ${s.retention.customerYears} year(s) after the end of the business relationship.`, `Clients : ${s.retention.customerYears} an(s) après la fin de la relation commerciale.`),
    t(`At the end of the period ${EXPIRY_WORDS[s.expiryAction].en}; the owner is warned ${s.retention.warningDays} days before.`, `À la fin de la durée, ${EXPIRY_WORDS[s.expiryAction].fr} ; le propriétaire est prévenu ${s.retention.warningDays} jours avant.`),
    t('Objections: kept as hashes as long as they must be honoured, so that a person who objected is not contacted again.', 'Oppositions : conservées sous forme hachée aussi longtemps qu’elles doivent être respectées, afin de ne pas recontacter une personne qui s’est opposée.'),
    t('Evidence register: kept for the accountability of the processing; an erasure removes the person’s data from it and leaves a fingerprint only.', 'Registre de preuves : conservé pour la responsabilité du traitement ; un effacement en retire les données de la personne et n’y laisse qu’une empreinte.'),
  ]))}
${row(t('Rights of the persons', 'Droits des personnes'), ul([
    s.preferenceCentreEnabled
      ? t('A personal preference centre link in messages: objection per channel or to everything, consent, access, erasure; one-click unsubscribe (RFC 8058) in emails.', 'Un lien personnel vers le centre de préférences dans les messages : opposition par canal ou totale, consentement, accès, effacement ; désabonnement en un clic (RFC 8058) dans les e-mails.')
      : t('The preference centre is switched off in the settings: objections are taken through the contact details above and HubSpot’s unsubscribe links.', 'Le centre de préférences est désactivé dans les réglages : les oppositions passent par le contact ci-dessus et les liens de désinscription de HubSpot.'),
    t('Requests are answered within one month (GDPR art. 12(3)), with reminders before the deadline.', 'Les demandes reçoivent une réponse dans un délai d’un mois (RGPD art. 12.3), avec des rappels avant l’échéance.'),
    t(`Enforcement: ${blocking}.`, `Application : ${blocking}.`),
  ]))}
${row(t('Security measures (art. 30(1)(g), art. 32)', 'Mesures de sécurité (art. 30.1.g, art. 32)'), ul([
    t('Encrypted connections (TLS); HubSpot access tokens encrypted at rest (AES-256-GCM) and bound to their account.', 'Connexions chiffrées (TLS) ; jetons d’accès HubSpot chiffrés au repos (AES-256-GCM) et liés à leur compte.'),
    t('Requests coming from HubSpot are checked by signature; each HubSpot account’s data is kept apart.', 'Les requêtes venant de HubSpot sont vérifiées par signature ; les données de chaque compte HubSpot sont cloisonnées.'),
    t('The opposition list holds only keyed hashes of email addresses and numbers; logs carry no email address or telephone number.', 'La liste d’opposition ne contient que des empreintes à clé des adresses et numéros ; les journaux ne contiennent ni adresse e-mail ni numéro de téléphone.'),
    t(`Evidence register sealed with a secret key and anchored by signed checkpoints kept outside the database${register}.`, `Registre de preuves scellé par une clé secrète et ancré par des points de contrôle signés conservés hors de la base de données${register}.`),
    t('Access to contacts follows the controller’s HubSpot user permissions.', 'L’accès aux contacts suit les droits des utilisateurs HubSpot du responsable.'),
  ]))}
</tbody></table></section>
${signatureBlock(lang)}`;
  return renderDocument({
    lang,
    kicker: t('GDPR article 30 — record of processing activities', 'RGPD article 30 — registre des activités de traitement'),
    title: t('Record of processing: commercial prospecting', 'Fiche de registre : prospection commerciale'),
    scope: t(`HubSpot account ${input.portalId}`, `Compte HubSpot ${input.portalId}`),
    meta: [
      s.controller?.name || t('Controller not configured', 'Responsable non renseigné'),
      t(`Drawn up ${formatDateTime(input.generatedAt.toISOString(), lang, tz)}`, `Établie le ${formatDateTime(input.generatedAt.toISOString(), lang, tz)}`),
    ],
    body,
    footer: t('Generated by Prospect Guard from the account’s settings. Review it, complete the points to confirm, and keep it with the controller’s record of processing activities.',
      'Établie par Prospect Guard à partir des réglages du compte. Relisez-la, complétez les points à confirmer et conservez-la avec le registre des activités de traitement du responsable.'),
  });
}

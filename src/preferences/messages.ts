// The preference centre's words in its six languages. French follows French typography: a no-break space
// (U+00A0) before ":" and inside « », a narrow no-break space (U+202F) before ";", "!" and "?"
// (test/enforcement/preference-page.test.ts checks it). Placeholders: {controller}, {date}.
import type { Channel } from '../engine/types.ts';

export const LANGS = ['fr', 'en', 'de', 'es', 'it', 'nl'] as const;
export type Lang = (typeof LANGS)[number];

type Text = Record<Lang, string>;

/** Each language's name in itself, for the switch. */
export const LANG_NAMES: Text = { fr: 'Français', en: 'English', de: 'Deutsch', es: 'Español', it: 'Italiano', nl: 'Nederlands' };

export const LOCALES: Text = { fr: 'fr-FR', en: 'en-GB', de: 'de-DE', es: 'es-ES', it: 'it-IT', nl: 'nl-NL' };

export const T = {
  title: { fr: 'Vos préférences de prospection', en: 'Your prospecting preferences', de: 'Ihre Einstellungen zur Kundenwerbung', es: 'Sus preferencias de prospección comercial', it: 'Le sue preferenze sulla prospezione commerciale', nl: 'Uw voorkeuren voor commerciële benadering' },
  intro: {
    fr: 'Cette page présente les informations que {controller} enregistre à votre sujet pour la prospection commerciale. Vous pouvez vous y opposer, donner ou retirer votre consentement, et exercer vos droits. Aucun compte ni mot de passe n’est nécessaire.',
    en: 'This page shows what {controller} records about you for commercial prospecting. You can object, give or withdraw your consent, and exercise your rights. No account or password is needed.',
    de: 'Diese Seite zeigt, was {controller} zu Ihrer Person für die Kundenwerbung speichert. Sie können widersprechen, Ihre Einwilligung erteilen oder widerrufen und Ihre Rechte ausüben. Ein Konto oder Passwort ist nicht nötig.',
    es: 'Esta página muestra lo que {controller} registra sobre usted para la prospección comercial. Puede oponerse, dar o retirar su consentimiento y ejercer sus derechos. No necesita cuenta ni contraseña.',
    it: 'Questa pagina mostra ciò che {controller} registra su di lei per la prospezione commerciale. Può opporsi, dare o revocare il consenso ed esercitare i suoi diritti. Non servono account né password.',
    nl: 'Deze pagina toont wat {controller} over u vastlegt voor commerciële benadering. U kunt bezwaar maken, uw toestemming geven of intrekken en uw rechten uitoefenen. U hebt geen account of wachtwoord nodig.',
  },
  controllerTitle: { fr: 'Responsable du traitement', en: 'Who is responsible for your data', de: 'Verantwortlicher', es: 'Responsable del tratamiento', it: 'Titolare del trattamento', nl: 'Verwerkingsverantwoordelijke' },
  address: { fr: 'Adresse', en: 'Address', de: 'Anschrift', es: 'Dirección', it: 'Indirizzo', nl: 'Adres' },
  dpo: { fr: 'Délégué à la protection des données', en: 'Data protection officer', de: 'Datenschutzbeauftragte(r)', es: 'Delegado de protección de datos', it: 'Responsabile della protezione dei dati', nl: 'Functionaris voor gegevensbescherming' },
  privacy: { fr: 'Politique de confidentialité', en: 'Privacy policy', de: 'Datenschutzerklärung', es: 'Política de privacidad', it: 'Informativa sulla privacy', nl: 'Privacyverklaring' },
  held: { fr: 'Ce que nous détenons à votre sujet', en: 'What we hold about you', de: 'Was wir über Sie speichern', es: 'Qué datos tenemos sobre usted', it: 'Quali dati abbiamo su di lei', nl: 'Wat wij over u bewaren' },
  email: { fr: 'Adresse e-mail', en: 'Email address', de: 'E-Mail-Adresse', es: 'Correo electrónico', it: 'Indirizzo e-mail', nl: 'E-mailadres' },
  source: { fr: 'Origine de vos coordonnées', en: 'Where your details come from', de: 'Herkunft Ihrer Daten', es: 'Origen de sus datos', it: 'Origine dei suoi dati', nl: 'Herkomst van uw gegevens' },
  collected: { fr: 'Date de collecte', en: 'Collected on', de: 'Erhoben am', es: 'Fecha de obtención', it: 'Data di raccolta', nl: 'Verzameld op' },
  keptUntil: { fr: 'Conservation pour la prospection jusqu’au', en: 'Kept for prospecting until', de: 'Für Werbung gespeichert bis', es: 'Conservados para prospección hasta el', it: 'Conservati per la prospezione fino al', nl: 'Bewaard voor benadering tot' },
  retention: { fr: 'Durée de conservation', en: 'Retention', de: 'Speicherdauer', es: 'Plazo de conservación', it: 'Periodo di conservazione', nl: 'Bewaartermijn' },
  retentionOver: {
    fr: 'La durée de conservation de vos données pour la prospection est écoulée. Elles sont en cours de suppression et ne seront plus utilisées pour vous solliciter.',
    en: 'The period for keeping your data for prospecting has ended. It is being deleted and will no longer be used to contact you.',
    de: 'Die Speicherdauer Ihrer Daten für Werbezwecke ist abgelaufen. Sie werden gelöscht und nicht mehr genutzt, um Sie anzusprechen.',
    es: 'El plazo de conservación de sus datos para prospección ha terminado. Se están eliminando y ya no se usarán para contactarle.',
    it: 'Il periodo di conservazione dei suoi dati per la prospezione è terminato. I dati sono in corso di cancellazione e non saranno più usati per contattarla.',
    nl: 'De bewaartermijn van uw gegevens voor benadering is verstreken. Ze worden verwijderd en niet meer gebruikt om u te benaderen.',
  },
  channels: { fr: 'Comment nous pouvons vous contacter', en: 'How we may contact you', de: 'Wie wir Sie kontaktieren dürfen', es: 'Cómo podemos contactarle', it: 'Come possiamo contattarla', nl: 'Hoe wij contact met u mogen opnemen' },
  objections: { fr: 'Vos oppositions enregistrées', en: 'Objections you have made', de: 'Ihre erfassten Widersprüche', es: 'Sus oposiciones registradas', it: 'Le sue opposizioni registrate', nl: 'Uw geregistreerde bezwaren' },
  consents: { fr: 'Vos consentements enregistrés', en: 'Consents you have given', de: 'Ihre erfassten Einwilligungen', es: 'Sus consentimientos registrados', it: 'I suoi consensi registrati', nl: 'Uw geregistreerde toestemmingen' },
  // Agreed with what is counted: une opposition, un consentement (una oposición / un consentimiento...).
  noObjection: { fr: 'Aucune', en: 'None', de: 'Keine', es: 'Ninguna', it: 'Nessuna', nl: 'Geen' },
  noConsent: { fr: 'Aucun', en: 'None', de: 'Keine', es: 'Ninguno', it: 'Nessuno', nl: 'Geen' },
  unknown: { fr: 'Non renseigné', en: 'Not recorded', de: 'Nicht erfasst', es: 'No registrado', it: 'Non registrato', nl: 'Niet vastgelegd' },
  objectTitle: { fr: 'Ne plus recevoir de sollicitations', en: 'Stop being contacted', de: 'Keine Werbung mehr erhalten', es: 'Dejar de recibir comunicaciones', it: 'Non ricevere più comunicazioni', nl: 'Niet meer benaderd worden' },
  objectLegend: { fr: 'Canaux auxquels vous vous opposez', en: 'Channels you object to', de: 'Kanäle, denen Sie widersprechen', es: 'Canales a los que se opone', it: 'Canali a cui si oppone', nl: 'Kanalen waartegen u bezwaar maakt' },
  objectHelp: { fr: 'Les cases déjà cochées correspondent aux oppositions enregistrées.', en: 'Boxes already ticked are objections already recorded.', de: 'Bereits angekreuzte Kästchen sind schon erfasste Widersprüche.', es: 'Las casillas ya marcadas son oposiciones ya registradas.', it: 'Le caselle già spuntate sono opposizioni già registrate.', nl: 'Aangevinkte vakjes zijn bezwaren die al zijn vastgelegd.' },
  objectSubmit: { fr: 'Enregistrer mon opposition', en: 'Record my objection', de: 'Widerspruch erfassen', es: 'Registrar mi oposición', it: 'Registra la mia opposizione', nl: 'Mijn bezwaar vastleggen' },
  objectAllHelp: { fr: 'Vous pouvez aussi vous opposer en une fois à toute prospection, par tous les canaux.', en: 'Or object to all prospecting by every channel at once.', de: 'Oder widersprechen Sie auf einmal jeder Werbung über alle Kanäle.', es: 'O bien oponerse de una vez a toda prospección por cualquier canal.', it: 'Oppure si opponga in una volta a ogni prospezione, su tutti i canali.', nl: 'Of maak in één keer bezwaar tegen elke benadering via alle kanalen.' },
  objectAll: { fr: 'M’opposer à toute prospection', en: 'Object to all prospecting', de: 'Jeder Werbung widersprechen', es: 'Oponerme a toda prospección', it: 'Opporsi a ogni prospezione', nl: 'Bezwaar tegen elke benadering' },
  objectedAll: { fr: 'Votre opposition à toute prospection, par tous les canaux, est enregistrée.', en: 'You have objected to all prospecting, by every channel.', de: 'Sie haben jeder Werbung über alle Kanäle widersprochen.', es: 'Su oposición a toda prospección, por todos los canales, está registrada.', it: 'La sua opposizione a ogni prospezione, su tutti i canali, è registrata.', nl: 'U hebt bezwaar gemaakt tegen elke benadering via alle kanalen.' },
  recordedOn: { fr: 'enregistrée le {date}', en: 'recorded on {date}', de: 'erfasst am {date}', es: 'registrada el {date}', it: 'registrata il {date}', nl: 'vastgelegd op {date}' },
  consentTitle: { fr: 'Accepter nos sollicitations', en: 'Agree to be contacted', de: 'Einwilligung in Kontaktaufnahme', es: 'Aceptar comunicaciones', it: 'Accettare comunicazioni', nl: 'Toestemming voor contact' },
  consentHelp: {
    fr: 'Cochez un canal pour donner votre consentement, décochez-le pour le retirer. Enregistrer à nouveau renouvelle, à la date du jour, les consentements cochés.',
    en: 'Tick a channel to give your consent, untick it to withdraw it. Saving again renews the ticked consents with today’s date.',
    de: 'Kreuzen Sie einen Kanal an, um einzuwilligen, und entfernen Sie das Häkchen, um zu widerrufen. Erneutes Speichern erneuert die angekreuzten Einwilligungen mit heutigem Datum.',
    es: 'Marque un canal para dar su consentimiento y desmárquelo para retirarlo. Guardar de nuevo renueva, con la fecha de hoy, los consentimientos marcados.',
    it: 'Spunti un canale per dare il consenso, tolga la spunta per revocarlo. Salvare di nuovo rinnova, con la data di oggi, i consensi spuntati.',
    nl: 'Vink een kanaal aan om toestemming te geven en vink het uit om die in te trekken. Opnieuw opslaan vernieuwt de aangevinkte toestemmingen met de datum van vandaag.',
  },
  consentLegend: { fr: 'Canaux par lesquels vous acceptez nos sollicitations', en: 'Channels by which you agree to be contacted', de: 'Kanäle, über die Sie kontaktiert werden möchten', es: 'Canales por los que acepta recibir comunicaciones', it: 'Canali tramite cui accetta di ricevere comunicazioni', nl: 'Kanalen waarlangs u benaderd wilt worden' },
  consentStatement: {
    fr: 'J’accepte que {controller} me contacte pour me présenter ses offres par les canaux que j’ai cochés. Je peux retirer ce consentement à tout moment sur cette page.',
    en: 'I agree that {controller} may contact me with its offers by the channels I have ticked. I can withdraw this consent at any time on this page.',
    de: 'Ich willige ein, dass {controller} mich über die angekreuzten Kanäle zu seinen Angeboten kontaktiert. Ich kann diese Einwilligung jederzeit auf dieser Seite widerrufen.',
    es: 'Acepto que {controller} me contacte para presentarme sus ofertas por los canales que he marcado. Puedo retirar este consentimiento en cualquier momento en esta página.',
    it: 'Accetto che {controller} mi contatti per presentarmi le sue offerte tramite i canali che ho spuntato. Posso revocare questo consenso in qualsiasi momento su questa pagina.',
    nl: 'Ik ga ermee akkoord dat {controller} mij via de aangevinkte kanalen benadert met zijn aanbod. Ik kan deze toestemming op elk moment op deze pagina intrekken.',
  },
  consentSubmit: { fr: 'Enregistrer mes choix', en: 'Save my choices', de: 'Meine Auswahl speichern', es: 'Guardar mis opciones', it: 'Salva le mie scelte', nl: 'Mijn keuzes opslaan' },
  consentSince: { fr: 'consentement donné le {date}', en: 'consent given on {date}', de: 'eingewilligt am {date}', es: 'consentimiento dado el {date}', it: 'consenso dato il {date}', nl: 'toestemming gegeven op {date}' },
  consentBlocked: { fr: 'opposition enregistrée', en: 'objection recorded', de: 'Widerspruch erfasst', es: 'oposición registrada', it: 'opposizione registrata', nl: 'bezwaar vastgelegd' },
  withdrawnOn: { fr: 'retiré le {date}', en: 'withdrawn on {date}', de: 'widerrufen am {date}', es: 'retirado el {date}', it: 'revocato il {date}', nl: 'ingetrokken op {date}' },
  rightsTitle: { fr: 'Vos autres droits', en: 'Your other rights', de: 'Ihre weiteren Rechte', es: 'Sus otros derechos', it: 'Gli altri suoi diritti', nl: 'Uw andere rechten' },
  rightsHelp: { fr: 'Nous répondons sous un mois, gratuitement (RGPD, art.\u00a012).', en: 'We answer within one month, free of charge (GDPR Art. 12).', de: 'Wir antworten innerhalb eines Monats, kostenlos (DSGVO Art. 12).', es: 'Respondemos en el plazo de un mes, de forma gratuita (RGPD, art. 12).', it: 'Rispondiamo entro un mese, gratuitamente (GDPR, art. 12).', nl: 'Wij antwoorden binnen een maand, kosteloos (AVG, art. 12).' },
  access: { fr: 'Demander une copie de mes données', en: 'Ask for a copy of my data', de: 'Kopie meiner Daten anfordern', es: 'Solicitar una copia de mis datos', it: 'Chiedere una copia dei miei dati', nl: 'Een kopie van mijn gegevens vragen' },
  erasure: { fr: 'Demander l’effacement de mes données', en: 'Ask for my data to be erased', de: 'Löschung meiner Daten verlangen', es: 'Solicitar la supresión de mis datos', it: 'Chiedere la cancellazione dei miei dati', nl: 'Verwijdering van mijn gegevens vragen' },
  complaint: {
    fr: 'Vous pouvez aussi introduire une réclamation auprès de l’autorité de protection des données (en France, la CNIL).',
    en: 'You may also lodge a complaint with your data protection authority (in France, the CNIL).',
    de: 'Sie können sich auch bei Ihrer Datenschutzaufsichtsbehörde beschweren.',
    es: 'También puede presentar una reclamación ante su autoridad de protección de datos (en España, la AEPD).',
    it: 'Può anche proporre reclamo all’autorità di protezione dei dati (in Italia, il Garante per la protezione dei dati personali).',
    nl: 'U kunt ook een klacht indienen bij uw toezichthouder voor gegevensbescherming (in Nederland de Autoriteit Persoonsgegevens).',
  },
  doneObjected: { fr: 'Votre opposition est enregistrée. Elle s’applique immédiatement à tous les fichiers et outils de {controller}.', en: 'Your objection has been recorded. It applies at once to every list and tool of {controller}.', de: 'Ihr Widerspruch ist erfasst. Er gilt sofort für alle Listen und Werkzeuge von {controller}.', es: 'Su oposición ha quedado registrada. Se aplica de inmediato a todos los ficheros y herramientas de {controller}.', it: 'La sua opposizione è registrata. Si applica subito a tutti gli elenchi e gli strumenti di {controller}.', nl: 'Uw bezwaar is vastgelegd. Het geldt direct voor alle bestanden en systemen van {controller}.' },
  doneConsent: { fr: 'Vos choix sont enregistrés.', en: 'Your choices have been saved.', de: 'Ihre Auswahl ist gespeichert.', es: 'Sus opciones se han guardado.', it: 'Le sue scelte sono state salvate.', nl: 'Uw keuzes zijn opgeslagen.' },
  doneAccess: { fr: 'Votre demande de copie de vos données est enregistrée. Nous répondrons au plus tard le {date}.', en: 'Your request for a copy of your data has been recorded. We will answer by {date}.', de: 'Ihre Anfrage auf Kopie Ihrer Daten ist erfasst. Wir antworten spätestens am {date}.', es: 'Su solicitud de copia de sus datos ha quedado registrada. Responderemos a más tardar el {date}.', it: 'La sua richiesta di copia dei dati è registrata. Risponderemo entro il {date}.', nl: 'Uw verzoek om een kopie van uw gegevens is vastgelegd. Wij antwoorden uiterlijk op {date}.' },
  doneErasure: { fr: 'Votre demande d’effacement est enregistrée. Nous répondrons au plus tard le {date}.', en: 'Your erasure request has been recorded. We will answer by {date}.', de: 'Ihr Löschantrag ist erfasst. Wir antworten spätestens am {date}.', es: 'Su solicitud de supresión ha quedado registrada. Responderemos a más tardar el {date}.', it: 'La sua richiesta di cancellazione è registrata. Risponderemo entro il {date}.', nl: 'Uw verzoek tot verwijdering is vastgelegd. Wij antwoorden uiterlijk op {date}.' },
  errNoChannel: { fr: 'Choisissez au moins un canal.', en: 'Choose at least one channel.', de: 'Wählen Sie mindestens einen Kanal.', es: 'Elija al menos un canal.', it: 'Scelga almeno un canale.', nl: 'Kies ten minste één kanaal.' },
  langNav: { fr: 'Langue', en: 'Language', de: 'Sprache', es: 'Idioma', it: 'Lingua', nl: 'Taal' },
  gone: { fr: 'Ce lien a expiré', en: 'This link has expired', de: 'Dieser Link ist abgelaufen', es: 'Este enlace ha caducado', it: 'Questo link è scaduto', nl: 'Deze link is verlopen' },
  goneHelp: { fr: 'Par sécurité, les liens de préférences expirent. Utilisez le lien d’un message plus récent, ou répondez à l’expéditeur pour vous opposer.', en: 'For your security, preference links expire. Use the link in a more recent message, or reply to the sender to object.', de: 'Zu Ihrer Sicherheit laufen diese Links ab. Nutzen Sie den Link einer neueren Nachricht oder antworten Sie dem Absender, um zu widersprechen.', es: 'Por seguridad, estos enlaces caducan. Use el enlace de un mensaje más reciente o responda al remitente para oponerse.', it: 'Per sicurezza, questi link scadono. Usi il link di un messaggio più recente o risponda al mittente per opporsi.', nl: 'Voor uw veiligheid verlopen deze links. Gebruik de link uit een recenter bericht of antwoord de afzender om bezwaar te maken.' },
  invalid: { fr: 'Ce lien n’est pas valide', en: 'This link is not valid', de: 'Dieser Link ist ungültig', es: 'Este enlace no es válido', it: 'Questo link non è valido', nl: 'Deze link is ongeldig' },
  invalidHelp: { fr: 'Le lien est peut-être incomplet. Copiez le lien entier depuis le message, ou répondez à l’expéditeur pour vous opposer.', en: 'The link may be incomplete. Copy the whole link from the message, or reply to the sender to object.', de: 'Der Link ist vielleicht unvollständig. Kopieren Sie den ganzen Link aus der Nachricht oder antworten Sie dem Absender, um zu widersprechen.', es: 'Puede que el enlace esté incompleto. Copie el enlace completo del mensaje o responda al remitente para oponerse.', it: 'Il link potrebbe essere incompleto. Copi l’intero link dal messaggio o risponda al mittente per opporsi.', nl: 'De link is misschien onvolledig. Kopieer de hele link uit het bericht of antwoord de afzender om bezwaar te maken.' },
  unconfiguredTitle: { fr: 'Page de préférences incomplète', en: 'Preference page not ready', de: 'Einstellungsseite unvollständig', es: 'Página de preferencias incompleta', it: 'Pagina delle preferenze incompleta', nl: 'Voorkeurenpagina onvolledig' },
  unconfiguredHelp: {
    fr: 'L’entreprise qui vous a envoyé ce lien n’a pas encore indiqué son identité, cette page ne peut donc pas l’afficher. Vous pouvez dès maintenant vous opposer à toute prospection de sa part.',
    en: 'The company that sent you this link has not yet given its identity, so this page cannot show it. You can already object to all prospecting by it.',
    de: 'Das Unternehmen, das Ihnen diesen Link gesendet hat, hat seine Identität noch nicht angegeben; diese Seite kann sie daher nicht anzeigen. Sie können schon jetzt jeder Werbung widersprechen.',
    es: 'La empresa que le envió este enlace aún no ha indicado su identidad, por lo que esta página no puede mostrarla. Ya puede oponerse a toda prospección por su parte.',
    it: 'L’azienda che le ha inviato questo link non ha ancora indicato la propria identità, quindi questa pagina non può mostrarla. Può già opporsi a ogni prospezione da parte sua.',
    nl: 'Het bedrijf dat u deze link stuurde, heeft zijn identiteit nog niet opgegeven; deze pagina kan die dus niet tonen. U kunt nu al bezwaar maken tegen elke benadering door dit bedrijf.',
  },
  devPlaceholder: { fr: 'Nom du responsable non configuré (affiché hors production uniquement).', en: 'Controller name not configured (shown outside production only).', de: 'Name des Verantwortlichen nicht konfiguriert (nur außerhalb der Produktion angezeigt).', es: 'Nombre del responsable sin configurar (solo se muestra fuera de producción).', it: 'Nome del titolare non configurato (mostrato solo fuori produzione).', nl: 'Naam van de verantwoordelijke niet ingesteld (alleen buiten productie getoond).' },
  fallbackController: { fr: 'l’entreprise à l’origine de ce message', en: 'the company that contacted you', de: 'das Unternehmen, das Sie kontaktiert hat', es: 'la empresa que le contactó', it: 'l’azienda che l’ha contattata', nl: 'het bedrijf dat contact met u opnam' },
} satisfies Record<string, Text>;

export type MessageKey = keyof typeof T;

export const CHANNEL_LABELS: Record<Channel | 'all', Text> = {
  email: { fr: 'E-mail', en: 'Email', de: 'E-Mail', es: 'Correo electrónico', it: 'E-mail', nl: 'E-mail' },
  sms: { fr: 'SMS', en: 'Text messages (SMS)', de: 'SMS', es: 'SMS', it: 'SMS', nl: 'Sms' },
  social_dm: { fr: 'Messages sur les réseaux sociaux', en: 'Social network messages', de: 'Nachrichten in sozialen Netzwerken', es: 'Mensajes en redes sociales', it: 'Messaggi sui social network', nl: 'Berichten via sociale netwerken' },
  automated_call: { fr: 'Appels automatisés', en: 'Automated calls', de: 'Automatische Anrufe', es: 'Llamadas automáticas', it: 'Chiamate automatizzate', nl: 'Geautomatiseerde oproepen' },
  fax: { fr: 'Télécopie', en: 'Fax', de: 'Fax', es: 'Fax', it: 'Fax', nl: 'Fax' },
  phone: { fr: 'Appels téléphoniques', en: 'Phone calls', de: 'Telefonanrufe', es: 'Llamadas telefónicas', it: 'Telefonate', nl: 'Telefoongesprekken' },
  postal: { fr: 'Courrier postal', en: 'Post', de: 'Briefpost', es: 'Correo postal', it: 'Posta', nl: 'Post' },
  all: { fr: 'Tous les canaux', en: 'All channels', de: 'Alle Kanäle', es: 'Todos los canales', it: 'Tutti i canali', nl: 'Alle kanalen' },
};

export const SOURCE_LABELS: Record<string, Text> = {
  web_form: { fr: 'un formulaire de notre site', en: 'a form on our website', de: 'ein Formular auf unserer Website', es: 'un formulario de nuestra web', it: 'un modulo del nostro sito', nl: 'een formulier op onze website' },
  trade_show: { fr: 'un salon professionnel', en: 'a trade show', de: 'eine Fachmesse', es: 'una feria profesional', it: 'una fiera di settore', nl: 'een vakbeurs' },
  business_card: { fr: 'une carte de visite que vous nous avez remise', en: 'a business card you gave us', de: 'eine Visitenkarte, die Sie uns gegeben haben', es: 'una tarjeta de visita que nos entregó', it: 'un biglietto da visita che ci ha dato', nl: 'een visitekaartje dat u ons gaf' },
  inbound_request: { fr: 'une demande que vous nous avez adressée', en: 'a request you sent us', de: 'eine Anfrage, die Sie uns gesendet haben', es: 'una solicitud que nos envió', it: 'una richiesta che ci ha inviato', nl: 'een aanvraag die u ons stuurde' },
  purchased_list: { fr: 'un fichier acheté à un fournisseur de données', en: 'a list bought from a data provider', de: 'eine von einem Datenanbieter gekaufte Liste', es: 'un fichero comprado a un proveedor de datos', it: 'un elenco acquistato da un fornitore di dati', nl: 'een bestand gekocht bij een gegevensleverancier' },
  rented_list: { fr: 'un fichier loué à un fournisseur de données', en: 'a list rented from a data provider', de: 'eine von einem Datenanbieter gemietete Liste', es: 'un fichero alquilado a un proveedor de datos', it: 'un elenco noleggiato da un fornitore di dati', nl: 'een bestand gehuurd bij een gegevensleverancier' },
  data_broker: { fr: 'un courtier en données', en: 'a data broker', de: 'ein Datenhändler', es: 'un intermediario de datos', it: 'un intermediario di dati', nl: 'een datahandelaar' },
  partner_transfer: { fr: 'l’un de nos partenaires', en: 'one of our partners', de: 'einer unserer Partner', es: 'uno de nuestros socios', it: 'uno dei nostri partner', nl: 'een van onze partners' },
  scraped: { fr: 'des pages web publiques', en: 'public web pages', de: 'öffentliche Webseiten', es: 'páginas web públicas', it: 'pagine web pubbliche', nl: 'openbare webpagina’s' },
  enrichment_tool: { fr: 'un service d’enrichissement de contacts', en: 'a contact enrichment service', de: 'ein Dienst zur Kontaktanreicherung', es: 'un servicio de enriquecimiento de contactos', it: 'un servizio di arricchimento dei contatti', nl: 'een dienst voor contactverrijking' },
  manual_entry: { fr: 'une saisie de nos équipes', en: 'entered by our staff', de: 'eine Eingabe unserer Mitarbeitenden', es: 'introducidos por nuestro personal', it: 'inseriti dal nostro personale', nl: 'ingevoerd door onze medewerkers' },
  import: { fr: 'un import dans notre CRM', en: 'an import into our CRM', de: 'ein Import in unser CRM', es: 'una importación a nuestro CRM', it: 'un’importazione nel nostro CRM', nl: 'een import in ons CRM' },
  existing_customer: { fr: 'notre relation client avec vous', en: 'our customer relationship with you', de: 'unsere Kundenbeziehung mit Ihnen', es: 'nuestra relación comercial con usted', it: 'il nostro rapporto commerciale con lei', nl: 'onze klantrelatie met u' },
  referral: { fr: 'une recommandation', en: 'a recommendation', de: 'eine Empfehlung', es: 'una recomendación', it: 'una segnalazione', nl: 'een aanbeveling' },
};

export const BASIS_LABELS: Record<string, Text> = {
  consent: { fr: 'avec votre consentement', en: 'with your consent', de: 'mit Ihrer Einwilligung', es: 'con su consentimiento', it: 'con il suo consenso', nl: 'met uw toestemming' },
  legitimate_interest: { fr: 'sur notre intérêt légitime\u202f; vous pouvez vous y opposer', en: 'on our legitimate interest; you may object', de: 'aufgrund unseres berechtigten Interesses; Sie können widersprechen', es: 'por nuestro interés legítimo; puede oponerse', it: 'sul nostro legittimo interesse; può opporsi', nl: 'op grond van ons gerechtvaardigd belang; u kunt bezwaar maken' },
  soft_opt_in: { fr: 'en tant que client, pour des produits analogues\u202f; vous pouvez vous y opposer', en: 'as a customer, for similar products; you may object', de: 'als Kunde, für ähnliche Produkte; Sie können widersprechen', es: 'como cliente, para productos similares; puede oponerse', it: 'in quanto cliente, per prodotti analoghi; può opporsi', nl: 'als klant, voor vergelijkbare producten; u kunt bezwaar maken' },
  contract: { fr: 'pour l’exécution de notre contrat', en: 'for our contract with you', de: 'zur Erfüllung unseres Vertrags', es: 'para la ejecución de nuestro contrato', it: 'per l’esecuzione del nostro contratto', nl: 'voor de uitvoering van onze overeenkomst' },
  not_personal_data: { fr: 'adresse professionnelle générique', en: 'generic business address', de: 'allgemeine Firmenadresse', es: 'dirección profesional genérica', it: 'indirizzo aziendale generico', nl: 'algemeen zakelijk adres' },
  needs_consent: { fr: 'pas sans votre consentement', en: 'not without your consent', de: 'nicht ohne Ihre Einwilligung', es: 'no sin su consentimiento', it: 'non senza il suo consenso', nl: 'niet zonder uw toestemming' },
  invalid_consent: { fr: 'non (le consentement enregistré n’est pas valable)', en: 'no (the recorded consent is not valid)', de: 'nein (die erfasste Einwilligung ist ungültig)', es: 'no (el consentimiento registrado no es válido)', it: 'no (il consenso registrato non è valido)', nl: 'nee (de vastgelegde toestemming is niet geldig)' },
  objected: { fr: 'non (opposition enregistrée)', en: 'no (you objected)', de: 'nein (Sie haben widersprochen)', es: 'no (oposición registrada)', it: 'no (opposizione registrata)', nl: 'nee (u hebt bezwaar gemaakt)' },
  retention_expired: { fr: 'non (durée de conservation écoulée)', en: 'no (the retention period has ended)', de: 'nein (die Speicherdauer ist abgelaufen)', es: 'no (el plazo de conservación ha terminado)', it: 'no (il periodo di conservazione è terminato)', nl: 'nee (de bewaartermijn is verstreken)' },
  forbidden: { fr: 'non', en: 'no', de: 'nein', es: 'no', it: 'no', nl: 'nee' },
};

/** "Label: value" with the language's punctuation (French puts a no-break space before the colon). */
export function colon(lang: Lang): string {
  return lang === 'fr' ? '\u00a0: ' : ': ';
}

const FR_VOWEL = /^[AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜaeiouyàâäéèêëîïôöùûü]/;

export function t(key: MessageKey, lang: Lang, vars: Record<string, string> = {}): string {
  let text: string = T[key][lang];
  // French elision before a name starting with a vowel: « de Industrie » -> « d’Industrie », « que » -> « qu’ ».
  if (lang === 'fr') text = text.replace(/\b(de|que) \{(\w+)\}/g, (m, word: string, k: string) => (FR_VOWEL.test(vars[k] ?? '') ? `${word === 'de' ? 'd' : 'qu'}’{${k}}` : m));
  return text.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}

// Which enforcement levers an account gives the app, from the scopes HubSpot granted at install (the token
// endpoint's `scopes`, stored on the installation). The automation scopes are optional in app.json: an account
// without workflows or sequences (below Professional) installs without them and loses only their levers.
export type LeverId = 'block_properties' | 'owner_task' | 'one_to_one_unsubscribe' | 'sequence_enrolments' | 'workflow_unenroll' | 'eligibility_action';

export interface LeverAvailability {
  lever: LeverId;
  available: boolean;
  /** The scope the lever needs. */
  scope: string;
  label: string;
  labelFr: string;
  /** Why it is (un)available, for the card and the settings page. */
  reason: string;
  reasonFr: string;
}

interface LeverRule { lever: LeverId; scope: string; label: string; labelFr: string; missing: string; missingFr: string }

const RULES: LeverRule[] = [
  { lever: 'block_properties', scope: 'crm.objects.contacts.write', label: 'Block flag on the contact', labelFr: 'Indicateur de blocage sur le contact',
    missing: 'contact write access was not granted', missingFr: 'l’écriture des contacts n’a pas été accordée' },
  { lever: 'owner_task', scope: 'crm.objects.contacts.write', label: 'Task for the contact owner', labelFr: 'Tâche pour le propriétaire du contact',
    missing: 'contact write access was not granted', missingFr: 'l’écriture des contacts n’a pas été accordée' },
  { lever: 'one_to_one_unsubscribe', scope: 'communication_preferences.read_write', label: 'Unsubscribe from one-to-one email', labelFr: 'Désabonnement des e-mails individuels',
    missing: 'communication preferences access was not granted', missingFr: 'l’accès aux préférences de communication n’a pas été accordé' },
  { lever: 'sequence_enrolments', scope: 'automation.sequences.read', label: 'Read sequence enrolments', labelFr: 'Lecture des inscriptions aux séquences',
    missing: 'this account has no sequences (Sales Hub or Service Hub Professional or Enterprise), so HubSpot did not grant automation.sequences.read; enrolments are seen from the contact properties only',
    missingFr: 'ce compte n’a pas de séquences (Sales Hub ou Service Hub Professional ou Enterprise) : HubSpot n’a pas accordé automation.sequences.read ; les inscriptions ne sont vues que par les propriétés du contact' },
  { lever: 'workflow_unenroll', scope: 'automation', label: 'Unenrol workflow (stops the sequence)', labelFr: 'Workflow de désinscription (arrête la séquence)',
    missing: 'this account has no workflows (Professional or Enterprise), so HubSpot did not grant automation; the owner gets a task instead',
    missingFr: 'ce compte n’a pas de workflows (Professional ou Enterprise) : HubSpot n’a pas accordé automation ; le propriétaire reçoit une tâche à la place' },
  { lever: 'eligibility_action', scope: 'automation', label: 'Workflow action "Check prospecting eligibility"', labelFr: 'Action de workflow « Vérifier l’éligibilité à la prospection »',
    missing: 'this account has no workflows (Professional or Enterprise), so HubSpot did not grant automation',
    missingFr: 'ce compte n’a pas de workflows (Professional ou Enterprise) : HubSpot n’a pas accordé automation' },
];

export function leversFor(grantedScopes: readonly string[]): LeverAvailability[] {
  const granted = new Set(grantedScopes);
  return RULES.map((r) => {
    const available = granted.has(r.scope);
    return {
      lever: r.lever, available, scope: r.scope, label: r.label, labelFr: r.labelFr,
      reason: available ? `granted (${r.scope})` : r.missing,
      reasonFr: available ? `accordé (${r.scope})` : r.missingFr,
    };
  });
}

/** Whether the installation granted a scope; unknown scopes (an installation from before they were recorded) count as granted. */
export function hasScope(grantedScopes: readonly string[] | null, scope: string): boolean {
  return grantedScopes === null || grantedScopes.length === 0 || grantedScopes.includes(scope);
}

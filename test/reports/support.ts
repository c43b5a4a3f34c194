// A portal with settings and a register holding one entry of most kinds, on explicit clocks.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Db } from '../../src/storage/db.ts';
import type { LedgerSecrets } from '../../src/ledger/secrets.ts';
import { ledgerWithAnchor } from '../../src/ledger/verify-command.ts';
import { ledgerErrorDetail } from '../../src/ledger/error-detail.ts';
import { HubSpotApiError } from '../../src/enforcement/hubspot-api.ts';

export const at = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, 10, day, hour, minute));

export function testSecrets(dir: string): LedgerSecrets {
  const ring = (kid: string) => ({ currentKeyId: kid, keys: new Map([[kid, randomBytes(32)]]) });
  return { hmacKeys: ring('h1'), signingKeys: ring('s1'), checkpointPath: path.join(dir, 'checkpoints.jsonl') };
}

export const CONTROLLER = { name: 'Atelier Durand & Fils <SAS>', address: '12 rue des Tanneurs, 69002 Lyon, France', dpoContact: 'dpo@atelier-durand.example' };

export async function seedPortal(db: Db, secrets: LedgerSecrets, portalId: number): Promise<void> {
  await db.query('insert into portal_settings (portal_id, settings, updated_at) values ($1, $2::jsonb, $3)', [portalId, JSON.stringify({
    defaultJurisdiction: 'FR', targetRoles: ['Directeur achats', 'Responsable RSE'], retention: { prospectYears: 3, customerYears: 3, warningDays: 30 },
    sequenceBlocking: 'enforce', expiryAction: 'delete', controller: CONTROLLER, privacyPolicyUrl: 'https://atelier-durand.example/confidentialite',
    preferenceCentreEnabled: true, notifyOwnerOnBlock: true,
  }), at(1, 8).toISOString()]);
  await db.query('insert into portal_profile (portal_id, offer_description, activity, updated_at) values ($1, $2, $3, $4)',
    [portalId, 'Emballages industriels en carton recyclé', 'Fabricant d’emballages', at(1, 8).toISOString()]);
  const { ledger, anchor } = ledgerWithAnchor(db, secrets, { now: () => at(27, 9, 1) });
  const failed = ledgerErrorDetail(new HubSpotApiError('POST /x -> 503', 503, null));
  await ledger.append(portalId, { kind: 'consent', contactId: '101', actor: 'user:42', at: at(20, 9), payload: { channel: 'email', method: 'double_opt_in', givenAt: '2026-11-19', proofRef: 'form-v3/7781', origin: 'card' } });
  await ledger.append(portalId, { kind: 'objection', contactId: '102', actor: 'data-subject:preference-centre', subjectHash: 'a'.repeat(64), at: at(21, 14, 5), payload: { channels: ['all'], origin: 'preference_centre', suppressed: { email: true, phone: false } } });
  await ledger.append(portalId, { kind: 'objection', contactId: '102', actor: 'prospect-guard', at: at(21, 14, 6), payload: { propagatedTo: 'hubspot_communication_preferences', ofSeq: 2, lever: 'unsubscribe_v3', status: 'done', subscriptions: ['7'], detail: `v4 failed: ${failed}` } });
  await ledger.append(portalId, { kind: 'block', contactId: '102', actor: 'prospect-guard:sequence-enforcer', at: at(22, 7, 30), payload: {
    detectedBy: 'webhook', sequenceId: '900', enrollmentId: 'e1', blocker: 'objected', mode: 'enforce',
    levers: [{ lever: 'block_properties', status: 'done' }, { lever: 'workflow_unenroll', status: 'done' }, { lever: 'one_to_one_unsubscribe', status: 'failed', detail: failed }, { lever: 'owner_task', status: 'done' }],
  } });
  await ledger.append(portalId, { kind: 'dsr_opened', contactId: '103', actor: 'dsr:preference_centre', at: at(23, 10), payload: { requestId: 'r1', requestKind: 'erasure', origin: 'preference_centre', dueAt: '2026-12-23T10:00:00.000Z' } });
  await ledger.eraseContact(portalId, '103', { actor: 'user:42', subjectHash: 'b'.repeat(64), at: at(24, 16), payload: { requestId: 'r1', hubspot: 'deleted', reason: 'data subject request', suppressed: true } });
  await ledger.append(portalId, { kind: 'dsr_closed', actor: 'user:42', at: at(24, 16, 1), payload: { requestId: 'r1', requestKind: 'erasure', outcome: 'fulfilled', onTime: true, dueAt: '2026-12-23T10:00:00.000Z' } });
  await ledger.append(portalId, { kind: 'suppression_import', actor: 'cli', at: at(25, 11), payload: { source: 'bloctel', sourceLabel: 'Liste d’opposition interne', channels: ['phone'], linesRead: 1200, added: 1187, emails: 0, phones: 1187, skipped: 13, fileSha256: 'c'.repeat(64) } });
  await ledger.append(portalId, { kind: 'retention_action', contactId: '104', actor: 'retention-sweep', at: at(26, 3), payload: { action: 'warned', expiresAt: '2026-12-20', taskId: 't9', renewalLinkOffered: true } });
  await ledger.append(portalId, { kind: 'settings_change', actor: 'user:42', at: at(27, 9), payload: { changed: ['retention.prospectYears', 'expiryAction'] } });
  await anchor.checkpoint(portalId);
}

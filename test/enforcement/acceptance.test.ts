// Acceptance, end to end: the app in-process (startApp, OAuth install, webhook pipeline) against the HubSpot
// stand-in, with enforcement attached.
import './support/quiet.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnforcementTestDb, type TestDb } from './support/db.ts';
import { startHarness, waitFor, type Harness } from './support/app-harness.ts';
import { runLedgerCommand } from '../../src/ledger/verify-command.ts';

const B2B = { country: 'France', company: 'Acme Industrie', jobtitle: 'Directeur achats', pg_is_professional: 'true', pg_offer_related: 'true', pg_source_kind: 'trade_show', pg_collected_at: '2026-05-10' };

describe('enforcement end to end against the stand-in', () => {
  let db: TestDb;
  let h: Harness;
  beforeAll(async () => {
    db = await createEnforcementTestDb('pglite');
    h = await startHarness(db);
  });
  afterAll(async () => { await h?.stop(); await db?.drop(); });

  const contact = (id: string) => h.standIn.getContact(h.portalId, id)?.properties ?? {};

  it('an objection through the preference centre blocks email for the contact and for a duplicate created later', async () => {
    const id = h.standIn.createContact(h.portalId, { email: 'jean.dupont@acme-industrie.fr', firstname: 'Jean', ...B2B });
    await h.standIn.flushWebhooks();
    await waitFor(() => contact(id).pg_basis_email === 'legitimate_interest');

    const link = h.enf.preferenceLink(h.portalId, id, 'jean.dupont@acme-industrie.fr');
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const token = new URL(link).pathname.split('/')[2] ?? '';
    const res = await fetch(link, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: h.baseUrl },
      body: new URLSearchParams([['token', token], ['action', 'object'], ['channels', 'email'], ['lang', 'fr']]).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Votre opposition est enregistrée');

    await waitFor(() => contact(id).pg_basis_email === 'objected');
    expect(contact(id).hs_email_optout).toBe('true'); // written back to HubSpot's communication preferences
    expect(contact(id).pg_basis_phone).not.toBe('objected'); // only the channel named

    // HubSpot keeps addresses unique, so the duplicate comes once the first record is gone: a new contact with the
    // same address (different case), created after the objection, is blocked at once.
    h.standIn.deleteContact(h.portalId, id);
    await h.standIn.flushWebhooks();
    const dup = h.standIn.createContact(h.portalId, { email: 'Jean.Dupont@ACME-industrie.fr', firstname: 'J.', ...B2B });
    await h.standIn.flushWebhooks();
    await waitFor(() => contact(dup).pg_basis_email === 'objected');
    expect(contact(dup).pg_sequence_blocked).toBe('true');
  });

  it('an imported opt-out file blocks a contact created afterwards, HubSpot knowing nothing of it', async () => {
    const { Readable } = await import('node:stream');
    const { importSuppressionFile } = await import('../../src/enforcement/suppression-import.ts');
    const report = await importSuppressionFile({
      db: h.app.db, ledger: h.enf.enforcement.ledger, portalId: h.portalId, source: 'broker_optout', channels: ['email', 'phone'],
      stream: Readable.from(['email;telephone\nPaul.Martin@Fournisseur.fr;\n']),
    });
    expect(report.added).toBe(1);
    const id = h.standIn.createContact(h.portalId, { email: 'paul.martin@fournisseur.fr', ...B2B });
    await h.standIn.flushWebhooks();
    await waitFor(() => contact(id).pg_basis_email === 'objected');
    expect(contact(id).hs_email_optout ?? 'false').not.toBe('true');
  });

  it('an expired contact is deleted by the sweep (GDPR delete) and its ledger keeps only a hashed trace', async () => {
    await h.app.installations.saveSettings(h.portalId, { expiryAction: 'delete' });
    const id = h.standIn.createContact(h.portalId, { email: 'ancien.prospect@vieux-fichier.fr', ...B2B, pg_collected_at: '2020-01-15' });
    await h.standIn.flushWebhooks();
    await waitFor(() => contact(id).pg_retention_state === 'expired');
    await h.enf.enforcement.ledger.append(h.portalId, { kind: 'consent', contactId: id, actor: 'user:1', payload: { channel: 'email', text: 'accord donné au salon 2020' } });

    const report = await h.enf.retention.run(h.portalId);
    expect(report.deleted).toBeGreaterThanOrEqual(1);
    expect(h.standIn.getContact(h.portalId, id)).toBeUndefined();
    expect(h.standIn.isBlocklisted(h.portalId, 'ancien.prospect@vieux-fichier.fr')).toBe(true);
    const trace = await h.enf.enforcement.ledger.list(h.portalId, { contactId: id });
    expect(trace.map((e) => e.kind)).toEqual(expect.arrayContaining(['consent', 'erasure']));
    expect(trace.every((e) => e.contactId === null)).toBe(true);
    expect(JSON.stringify(trace)).not.toMatch(/ancien\.prospect|salon 2020/);
    expect(trace.find((e) => e.kind === 'erasure')?.subjectHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await h.enf.enforcement.ledger.verify(h.portalId)).toMatchObject({ ok: true });
  });

  it('a blocked contact enrolled in a sequence is detected and acted on (flag, owner task, ledger)', async () => {
    const id = h.standIn.createContact(h.portalId, { email: 'marie@gmail.com', country: 'France', firstname: 'Marie' }); // B2C: email needs consent
    await h.standIn.flushWebhooks();
    await waitFor(() => contact(id).pg_basis_email === 'needs_consent');
    const seq = h.standIn.sequences(h.portalId)[0];
    expect(seq).toBeDefined();
    h.standIn.enrollInSequence(h.portalId, id, seq?.id ?? '');
    await h.standIn.flushWebhooks();
    let blocked = 0;
    await waitFor(async () => { const r = await h.enf.tick(); blocked += r.blockedFromDetections + r.blockedFromPoll; return blocked > 0; });
    expect(contact(id).pg_sequence_blocked).toBe('true');
    const tasks = h.standIn.tasks(h.portalId) as unknown as { properties: Record<string, string> }[];
    expect(tasks.some((t) => /séquence/.test(t.properties.hs_task_subject ?? ''))).toBe(true);
    const blocks = await h.enf.enforcement.ledger.list(h.portalId, { contactId: id, kinds: ['block'] });
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.payload).toMatchObject({ sequenceId: seq?.id, blocker: 'needs_consent' });
    expect((await h.enf.tick()).blockedFromPoll).toBe(0); // acted on once
  });

  it('a tampered ledger fails verification (CLI exit 1)', async () => {
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), openDb: async () => ({ ...db, close: async () => undefined }) };
    expect(await runLedgerCommand(['verify', '--portal', String(h.portalId)], io)).toBe(0);
    await db.query(`update evidence_ledger set payload = replace(payload, 'email', 'sms') where portal_id = $1 and kind = 'objection'`, [h.portalId]);
    expect(await runLedgerCommand(['verify', '--portal', String(h.portalId)], io)).toBe(1);
    expect(out.join('')).toMatch(/BROKEN at entry \d+/);
  });
});

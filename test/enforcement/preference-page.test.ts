// Issue 12.4 over HTTP: the controller's identity, what is recorded shown as such, consent per channel with proof,
// an expired contact told its data is being deleted, six languages, French typography, no placeholder in production.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T, CHANNEL_LABELS, SOURCE_LABELS, BASIS_LABELS, LANGS, t } from '../../src/preferences/messages.ts';
import { isPlaceholderControllerName } from '../../src/preferences/page.ts';
import { FORM_HEADERS, PORTAL, formBody, seedContact, startPreferenceServer, type PreferenceServer } from './support/preference-server.ts';

const tokenOf = (url: string) => url.split('/p/')[1] ?? '';

describe('French typography and complete translations', () => {
  const all = [...Object.values(T), ...Object.values(CHANNEL_LABELS), ...Object.values(SOURCE_LABELS), ...Object.values(BASIS_LABELS)];
  it('every message exists in the six languages', () => {
    for (const m of all) for (const l of LANGS) expect(m[l], JSON.stringify(m)).toMatch(/\S/);
  });
  it('French puts a no-break space before : and a narrow one before ; ! ?, and uses the typographic apostrophe', () => {
    for (const m of all) {
      const fr = m.fr;
      expect(fr, fr).not.toMatch(/[^\u00a0]:(?!\/\/)/);
      expect(fr, fr).not.toMatch(/[^\u202f][;!?]/);
      expect(fr, fr).not.toMatch(/'/);
      expect(fr, fr).not.toMatch(/"/);
    }
  });
});

describe('French elision before the controller\'s name', () => {
  it('writes d’ and qu’ before a vowel, de and que before a consonant', () => {
    expect(t('doneObjected', 'fr', { controller: 'Industrie Lyon SAS' })).toContain('outils d’Industrie Lyon SAS.');
    expect(t('consentStatement', 'fr', { controller: 'Industrie Lyon SAS' })).toMatch(/^J’accepte qu’Industrie Lyon SAS me contacte/);
    expect(t('doneObjected', 'fr', { controller: 'Bois & Fils' })).toContain('outils de Bois & Fils.');
    expect(t('doneObjected', 'en', { controller: 'Industrie Lyon SAS' })).toContain('tool of Industrie Lyon SAS.');
  });
});

describe('the preference page', () => {
  let s: PreferenceServer;
  beforeAll(async () => {
    s = await startPreferenceServer();
    seedContact(s.hub, '701', 'claire.morel@industrie-lyon.example');
    seedContact(s.hub, '702', 'jonas.weber@beispiel.example', { country: 'Deutschland' });
    seedContact(s.hub, '703', 'old.contact@industrie-lyon.example', { pg_retention_expires_at: '2026-01-10', pg_retention_state: 'expired' });
  }, 120_000);
  afterAll(async () => { await s?.close(); });

  it('names the controller with its address, DPO contact and privacy policy', async () => {
    const html = await (await fetch(s.link('701', 'claire.morel@industrie-lyon.example'), { headers: { 'accept-language': 'fr-FR' } })).text();
    expect(html).toContain('Industrie Lyon SAS');
    expect(html).toContain('12 rue de la République, 69002 Lyon, France');
    expect(html).toContain('href="mailto:dpo@industrie-lyon.example"');
    expect(html).toContain('https://industrie-lyon.example/confidentialite');
    expect(html).toContain('E-mail\u00a0: sur notre intérêt légitime\u202f; vous pouvez vous y opposer');
    expect(html).not.toContain('class="warning"');
    // Agreement: « Vos oppositions enregistrées : Aucune », « Vos consentements enregistrés : Aucun ».
    expect(html).toMatch(/Vos consentements enregistrés<\/h3><p>Aucun<\/p>/);
    expect(html).toMatch(/Vos oppositions enregistrées<\/h3><p>Aucune<\/p>/);
  });

  it('chooses the language from the browser, then the contact\'s country, and offers a switch to all six', async () => {
    const de = await (await fetch(s.link('702', 'jonas.weber@beispiel.example'), { headers: { 'accept-language': 'pt-BR' } })).text();
    expect(de).toContain('<html lang="de">');
    expect(de).toContain(T.title.de);
    const it = await (await fetch(s.link('702', 'jonas.weber@beispiel.example'), { headers: { 'accept-language': 'it-IT,de;q=0.5' } })).text();
    expect(it).toContain('<html lang="it">');
    for (const l of LANGS) expect(de).toMatch(new RegExp(`href="[^"]+\\?lang=${l}" lang="${l}" hreflang="${l}"`));
    expect(de).toMatch(/lang="de" hreflang="de" aria-current="true"/);
  });

  it('tells an expired contact its data is being deleted, without a past date', async () => {
    const html = await (await fetch(`${s.link('703', 'old.contact@industrie-lyon.example')}?lang=en`)).text();
    expect(html).toContain(T.retentionOver.en);
    expect(html).not.toContain('10 January 2026');
    expect(html).not.toContain(T.keptUntil.en);
    expect(html).not.toContain('on our legitimate interest');
    expect(html).toContain('Email: no (the retention period has ended)');
  });

  it('object to everything: the same response shows every channel blocked and the boxes as recorded', async () => {
    const url = s.link('701', 'claire.morel@industrie-lyon.example');
    const res = await fetch(url, { method: 'POST', headers: FORM_HEADERS, body: formBody(tokenOf(url), [['action', 'object_all'], ['lang', 'en']]) });
    expect(res.status).toBe(200);
    const html = await res.text();
    const list = html.slice(html.indexOf('<ul id="channel-list">'), html.indexOf('</ul>', html.indexOf('<ul id="channel-list">')));
    expect(list.match(/no \(you objected\)/g)).toHaveLength(7);
    expect(html).toContain(T.objectedAll.en);
    expect(html).not.toContain('value="object_all"');
    // Consent boxes are disabled: an objection wins over consent.
    expect(html.match(/name="consent" value="\w+" disabled/g)).toHaveLength(7);
  });

  it('gives, renews and withdraws consent per channel, with proof: method, text shown, time, address hash', async () => {
    seedContact(s.hub, '704', 'nadia.roux@industrie-lyon.example');
    const url = s.link('704', 'nadia.roux@industrie-lyon.example');
    const post = (fields: [string, string][]) => fetch(url, { method: 'POST', headers: { ...FORM_HEADERS, 'x-forwarded-for': '203.0.113.5' }, body: formBody(tokenOf(url), [['action', 'consent'], ['lang', 'fr'], ...fields]) });
    const given = await post([['consent', 'sms'], ['consent', 'email']]);
    expect(given.status).toBe(200);
    const html = await given.text();
    expect(html).toContain(T.doneConsent.fr);
    expect(html).toMatch(/id="consent-sms" name="consent" value="sms" checked/);
    expect(html).not.toMatch(/id="consent-phone" name="consent" value="phone" checked/);
    // The channel list shows the new consent in the same response (HubSpot still says "needs consent" for SMS).
    expect(html).toContain('SMS\u00a0: avec votre consentement');
    const consents = await s.enf.evidence.listConsents(PORTAL, '704');
    expect(consents.map((c) => c.channel).sort()).toEqual(['email', 'sms']);
    expect(consents[0]).toMatchObject({ method: 'unticked_checkbox', proofRef: expect.stringMatching(/^preference-centre:text-sha256:[0-9a-f]{32}$/) });
    const [entry] = await s.enf.ledger.list(PORTAL, { contactId: '704', kinds: ['consent'] });
    expect(entry?.payload).toMatchObject({
      channel: expect.any(String), method: 'unticked_checkbox', origin: 'preference_centre', lang: 'fr',
      textShown: t('consentStatement', 'fr', { controller: 'Industrie Lyon SAS' }), ipHash: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(JSON.stringify(entry)).not.toContain('203.0.113.5');
    expect(JSON.stringify(entry)).not.toContain('nadia.roux');
    expect(s.rejudged).toContain('704');

    // Renew SMS, withdraw email (unticked).
    const renewed = await post([['consent', 'sms']]);
    expect(renewed.status).toBe(200);
    const after = await s.enf.evidence.listConsents(PORTAL, '704');
    expect(after.filter((c) => c.channel === 'sms')).toHaveLength(2);
    expect(after.filter((c) => c.channel === 'email').every((c) => c.withdrawnAt)).toBe(true);
    expect(await renewed.text()).toContain('E-mail\u00a0: non (opposition enregistrée)');
    const withdrawals = await s.enf.ledger.list(PORTAL, { contactId: '704', kinds: ['withdrawal'] });
    expect(withdrawals.map((w) => (w.payload as { channel: string }).channel)).toEqual(['email']);
  });

  it('admits the logo from its own origin only', async () => {
    const t = await startPreferenceServer({ settings: { logoUrl: 'https://cdn.industrie-lyon.example/logo.png' } });
    try {
      seedContact(t.hub, '705', 'a@industrie-lyon.example');
      const res = await fetch(t.link('705', 'a@industrie-lyon.example'));
      expect(res.headers.get('content-security-policy')).toMatch(/; img-src https:\/\/cdn\.industrie-lyon\.example$/);
      expect(await res.text()).toContain('<img src="https://cdn.industrie-lyon.example/logo.png" alt=""');
    } finally { await t.close(); }
  }, 120_000); // starts its own database
});

describe('a placeholder controller name', () => {
  it('recognises missing and placeholder names', () => {
    for (const n of ['', '  ', 'Acme', 'ACME Corp', 'Example', 'Votre entreprise', 'Nom de la société', '{{company}}', 'TODO']) expect(isPlaceholderControllerName(n), n).toBe(true);
    for (const n of ['Industrie Lyon SAS', 'Acmé Bois', 'Testa Logistica']) expect(isPlaceholderControllerName(n), n).toBe(false);
  });

  it('is never shown in production, and the person can still object to everything', async () => {
    const p = await startPreferenceServer({ settings: { controllerName: 'Acme' }, production: true });
    try {
      seedContact(p.hub, '801', 'b@example.fr');
      const url = p.link('801', 'b@example.fr');
      const res = await fetch(url, { headers: { 'accept-language': 'fr' } });
      expect(res.status).toBe(503);
      const html = await res.text();
      expect(html).not.toContain('Acme');
      expect(html).toContain(T.unconfiguredHelp.fr);
      const consent = await fetch(url, { method: 'POST', headers: FORM_HEADERS, body: formBody(tokenOf(url), [['action', 'consent'], ['consent', 'sms']]) });
      expect(consent.status).toBe(400);
      const objected = await fetch(url, { method: 'POST', headers: FORM_HEADERS, body: formBody(tokenOf(url), [['action', 'object_all'], ['lang', 'fr']]) });
      expect(objected.status).toBe(200);
      expect(await objected.text()).toContain('Votre opposition est enregistrée');
      expect((await p.enf.evidence.listObjections(PORTAL, '801')).map((o) => o.channel)).toEqual(['all']);
    } finally { await p.close(); }
    const dev = await startPreferenceServer({ settings: { controllerName: '' } });
    try {
      seedContact(dev.hub, '802', 'c@example.fr');
      const html = await (await fetch(dev.link('802', 'c@example.fr'), { headers: { 'accept-language': 'en' } })).text();
      expect(html).toContain('class="warning"');
      expect(html).toContain(T.fallbackController.en);
    } finally { await dev.close(); }
  }, 180_000); // starts two databases of its own
});

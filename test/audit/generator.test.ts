import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseContactFacts, SOURCE_KINDS } from '../../src/engine/index.ts';
import { generateContacts, SAMPLE_SEED, toFlatCsv, toHubSpotExportCsv } from '../../scripts/generate-sample.ts';
import { ROOT } from './helpers.ts';

describe('generateContacts', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateContacts(20, 5)).toEqual(generateContacts(20, 5));
    expect(generateContacts(20, 6)).not.toEqual(generateContacts(20, 5));
  });

  it('produces valid, varied contacts: every source kind, consumers and professionals, several countries', () => {
    const contacts = generateContacts(300, SAMPLE_SEED);
    for (const c of contacts) expect(parseContactFacts(c)).toMatchObject({ ok: true });
    expect(new Set(contacts.map((c) => c.source?.kind))).toEqual(new Set(SOURCE_KINDS));
    expect(new Set(contacts.map((c) => c.country).filter(Boolean)).size).toBeGreaterThanOrEqual(6);
    expect(contacts.some((c) => c.company && /^(contact|info|sales|hello|support|admin|commercial|accueil|bonjour)@/.test(c.email ?? ''))).toBe(true);
    expect(contacts.some((c) => c.consents?.some((k) => k.method === 'pre_ticked_checkbox'))).toBe(true);
    expect(contacts.some((c) => c.objections?.length)).toBe(true);
    expect(contacts.some((c) => c.customer?.contractActive)).toBe(true);
  });

  it('is what the committed samples hold (regenerate with node scripts/generate-sample.ts)', () => {
    const contacts = generateContacts(300, SAMPLE_SEED);
    const jsonl = `${contacts.map((c) => JSON.stringify(c)).join('\n')}\n`;
    expect(readFileSync(join(ROOT, 'samples', 'contacts-sample.jsonl'), 'utf8')).toBe(jsonl);
    expect(readFileSync(join(ROOT, 'samples', 'contacts-sample.csv'), 'utf8')).toBe(toFlatCsv(contacts));
    expect(readFileSync(join(ROOT, 'samples', 'contacts-sample-hubspot.csv'), 'utf8')).toBe(toHubSpotExportCsv(contacts));
  });
});

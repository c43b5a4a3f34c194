import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../src/engine/types.ts';
import {
  APP_PROPERTIES, BASIS_PROPERTY_BY_CHANNEL, findLegalBasisOption, PROPERTY_GROUP, PROPERTY_NAMES, READ_PROPERTIES,
} from '../../src/hubspot/properties.ts';
import { renderPropertiesDoc } from '../../src/hubspot/properties-doc.ts';

describe('app contact properties', () => {
  it('declares every name in PROPERTY_NAMES exactly once, in the app group', () => {
    const names = APP_PROPERTIES.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(Object.values(PROPERTY_NAMES).sort());
    for (const p of APP_PROPERTIES) {
      expect(p.name).toMatch(/^pg_[a-z0-9_]+$/);
      expect(p.groupName).toBe(PROPERTY_GROUP.name);
      expect(p.label.length).toBeGreaterThan(2);
      expect(p.description.length).toBeGreaterThan(10);
    }
  });

  it('gives every enumeration and bool its options, and no option to the others', () => {
    for (const p of APP_PROPERTIES) {
      if (p.type === 'enumeration' || p.type === 'bool') {
        expect(p.options?.length, p.name).toBeGreaterThan(1);
        expect(new Set(p.options?.map((o) => o.value)).size).toBe(p.options?.length);
      } else {
        expect(p.options, p.name).toBeUndefined();
      }
      if (p.type === 'bool') expect(p.options?.map((o) => o.value)).toEqual(['true', 'false']);
    }
    const basisEmail = APP_PROPERTIES.find((p) => p.name === 'pg_basis_email');
    expect(basisEmail?.options?.map((o) => o.value)).toEqual(['consent', 'legitimate_interest', 'soft_opt_in', 'contract',
      'not_personal_data', 'needs_consent', 'invalid_consent', 'objected', 'retention_expired', 'forbidden', 'call_limit']);
  });

  it('maps every channel to a basis property and reads every app property', () => {
    expect(Object.keys(BASIS_PROPERTY_BY_CHANNEL).sort()).toEqual([...CHANNELS].sort());
    for (const p of APP_PROPERTIES) expect(READ_PROPERTIES).toContain(p.name);
    expect(READ_PROPERTIES).toContain('hs_legal_basis');
    expect(READ_PROPERTIES).toContain('hs_email_last_open_date');
  });

  it('finds the account\'s hs_legal_basis option whatever its dash style', () => {
    const options = [
      { value: 'Legitimate interest - prospect/lead' },
      { value: 'Legitimate interest – existing customer' },
      { value: 'Freely given consent from contact' },
    ];
    expect(findLegalBasisOption('legitimate_interest', options)).toBe('Legitimate interest - prospect/lead');
    expect(findLegalBasisOption('soft_opt_in', options)).toBe('Legitimate interest – existing customer');
    expect(findLegalBasisOption('consent', options)).toBe('Freely given consent from contact');
    expect(findLegalBasisOption('contract', options)).toBeNull();
    expect(findLegalBasisOption('not_personal_data', options)).toBeNull();
  });

  it('docs/PROPERTIES.md is the generated document (regenerate: node src/hubspot/properties-doc.ts > docs/PROPERTIES.md)', () => {
    const doc = readFileSync(new URL('../../docs/PROPERTIES.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderPropertiesDoc());
    for (const p of APP_PROPERTIES) expect(doc).toContain(`\`${p.name}\``);
  });
});

// The rule packs are data: check that the data is complete and consistent, and that RULES_VERSION moves with it.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHANNELS, PREDICATES, RULE_PACKS, RULES_VERSION, type Condition } from '../../src/engine/index.ts';
import { SCRAPING_TOOL_KEYWORDS } from '../../src/engine/rules/scraping-tools.ts';
import {
  BANNED_SECTORS_L223_8, NOT_A_BAN_PHRASES, POSSIBLE_BAN_KEYWORDS, SECTORS,
} from '../../src/engine/rules/sectors.ts';

// When a pack changes: bump RULES_VERSION in src/engine/rules/index.ts, then record the new pair here.
const RECORDED = { version: '2026.12.1', sha256: '293c4dfcfcb3287820497726ff30f429d7e0b38fb2472a53d764be5c6bfe2082' };

function predicatesOf(c: Condition): string[] {
  if (typeof c === 'string') return [c];
  if ('all' in c) return c.all.flatMap(predicatesOf);
  if ('any' in c) return c.any.flatMap(predicatesOf);
  return predicatesOf(c.not);
}

describe('rule packs', () => {
  it('changes RULES_VERSION whenever a pack changes', () => {
    const sha256 = createHash('sha256').update(JSON.stringify({
      packs: RULE_PACKS, sectors: BANNED_SECTORS_L223_8, listed: SECTORS, possible: POSSIBLE_BAN_KEYWORDS,
      notBan: NOT_A_BAN_PHRASES, scraping: SCRAPING_TOOL_KEYWORDS,
    })).digest('hex');
    expect({ version: RULES_VERSION, sha256 }).toEqual(RECORDED);
  });

  it('has unique pack ids and exactly one default (*) pack', () => {
    const ids = RULE_PACKS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(RULE_PACKS.filter((p) => p.jurisdictions.includes('*'))).toHaveLength(1);
  });

  it('covers France, Germany, the UK, Belgium, Spain and Italy', () => {
    const covered = new Set(RULE_PACKS.flatMap((p) => p.jurisdictions));
    for (const c of ['FR', 'DE', 'GB', 'BE', 'ES', 'IT']) expect(covered).toContain(c);
  });

  it('never lets two packs of one jurisdiction overlap in time', () => {
    const byJ = new Map<string, { from: string; to: string }[]>();
    for (const p of RULE_PACKS) for (const j of p.jurisdictions) {
      const list = byJ.get(j) ?? [];
      list.push({ from: p.validFrom ?? '0000-01-01', to: p.validTo ?? '9999-12-31' });
      byJ.set(j, list);
    }
    for (const list of byJ.values()) {
      list.sort((a, b) => a.from.localeCompare(b.from));
      for (let i = 1; i < list.length; i++) expect(list[i]!.from > list[i - 1]!.to).toBe(true);
    }
  });

  it('cites LGTel art. 66.1.a for Spanish automated calls and fax (not 66.1.b, not LSSI alone)', () => {
    const es = RULE_PACKS.find((p) => p.id === 'es-lssi')!;
    for (const c of ['automated_call', 'fax'] as const) {
      for (const r of es.channels[c]) expect(r.citation, r.rule).toContain('art. 66.1.a');
    }
    for (const r of es.channels.phone.filter((x) => x.rule.startsWith('es.phone.b2c'))) expect(r.citation).toContain('66.1.b');
  });

  it('grants soft opt-in only to contact details collected from the person, in every pack', () => {
    for (const pack of RULE_PACKS) for (const c of CHANNELS) for (const r of pack.channels[c]) {
      if (r.then === 'soft_opt_in') expect(predicatesOf(r.when), r.rule).toEqual(expect.arrayContaining(['customer_soft_opt_in', 'source_first_party']));
    }
  });

  it('bans home adaptation from 2025-07-02 in both French packs, and judges overseas France with them', () => {
    for (const pack of RULE_PACKS.filter((p) => p.id.startsWith('fr-'))) {
      const ban = pack.prohibitions.find((p) => p.rule === 'fr.sector_ban.home_adaptation');
      expect(ban?.validFrom, pack.id).toBe('2025-07-02');
      expect(pack.jurisdictions).toEqual(expect.arrayContaining(['FR', 'RE', 'GP', 'MQ', 'GF', 'YT', 'PM', 'BL', 'MF']));
      expect(Object.keys(pack.territories ?? {}).sort()).toEqual(pack.jurisdictions.filter((j) => j !== 'FR').sort());
      expect(pack.calling?.limitChannels).toContain('phone');
    }
  });

  it('keeps the closed sector list unique and its banned entries matched by the ban predicates', () => {
    const ids = SECTORS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('other');
    for (const s of SECTORS) if (s.ban !== null) expect(PREDICATES as readonly string[]).toContain(s.ban);
  });

  it('switches France from Bloctel to consent on 2026-08-11 with no gap', () => {
    const fr = RULE_PACKS.filter((p) => p.jurisdictions.includes('FR'));
    expect(fr.map((p) => [p.id, p.validFrom, p.validTo])).toEqual([
      ['fr-bloctel', null, '2026-08-10'], ['fr-2026-08', '2026-08-11', null],
    ]);
  });

  for (const pack of RULE_PACKS) {
    describe(pack.id, () => {
      it('judges every channel and ends each channel with a catch-all rule (no gap, no fail-safe fallback needed)', () => {
        for (const c of CHANNELS) {
          const rules = pack.channels[c];
          expect(rules.length, c).toBeGreaterThan(0);
          expect(rules[rules.length - 1]!.when, c).toBe('always');
        }
      });

      it('gives every rule a unique id under the pack prefix, an English and a French text and a citation', () => {
        const prefix = pack.id === 'default-strict' ? 'default.' : `${pack.id.slice(0, 2)}.`;
        const all = [...CHANNELS.flatMap((c) => pack.channels[c].map((r) => ({ ...r, channel: c }))), ...pack.prohibitions];
        const perChannel = new Set<string>();
        for (const r of all) {
          expect(r.rule.startsWith(prefix), r.rule).toBe(true);
          expect(r.text.length, r.rule).toBeGreaterThan(10);
          expect(r.textFr.length, r.rule).toBeGreaterThan(10);
          expect(r.citation.length, r.rule).toBeGreaterThan(3);
          const key = 'channel' in r ? `${r.channel}:${r.rule}` : r.rule;
          expect(perChannel.has(key), r.rule).toBe(false);
          perChannel.add(key);
        }
      });

      it('uses only known predicates', () => {
        const conditions = [...CHANNELS.flatMap((c) => pack.channels[c].map((r) => r.when)), ...pack.prohibitions.map((p) => p.when),
          ...(pack.warnings ?? []).map((w) => w.when), ...(pack.calling ? [pack.calling.limitWhen] : [])];
        for (const when of conditions) for (const p of predicatesOf(when)) expect(PREDICATES as readonly string[]).toContain(p);
      });

      it('marks uncertain readings in the reason text and lists them', () => {
        const texts = CHANNELS.flatMap((c) => pack.channels[c].map((r) => r.text));
        if (texts.some((t) => t.includes('[uncertain]'))) expect(pack.uncertain.length).toBeGreaterThan(0);
      });
    });
  }
});

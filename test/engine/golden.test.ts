// Runs every scenario in test/golden/*.json: adding a scenario is adding a file.
// A file holds facts, an instant, optional settings (merged over the defaults) and the expected subset
// of the verdict; `channels.<c>.rules` and `reasons` list rule ids that must appear.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CHANNELS, DEFAULT_SETTINGS, evaluateContact, parseContactFacts, type Channel, type PortalSettings, type Verdict,
} from '../../src/engine/index.ts';

interface ChannelExpectation { allowed: boolean; basis?: string; blocker?: string; until?: string; rules?: string[] }
interface Golden {
  description: string;
  at: string;
  settings?: Partial<PortalSettings>;
  facts: unknown;
  expect: {
    channels?: Partial<Record<Channel, ChannelExpectation>>;
    reasons?: string[];
    absentReasons?: string[];
    [key: string]: unknown;
  };
}

const dir = join(import.meta.dirname, '..', 'golden');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

function load(file: string): Golden {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as Golden;
}

describe('golden scenarios', () => {
  it('has scenarios to run', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
  });

  for (const file of files) {
    const g = load(file);
    it(`${file}: ${g.description}`, () => {
      const parsed = parseContactFacts(g.facts);
      if (!parsed.ok) throw new Error(`golden facts do not parse: ${parsed.error}`);
      const settings: PortalSettings = { ...DEFAULT_SETTINGS, ...g.settings };
      const v: Verdict = evaluateContact(parsed.facts, { at: new Date(g.at), settings });
      const { channels, reasons, absentReasons, ...rest } = g.expect;
      expect(v).toMatchObject(rest);
      for (const [channel, e] of Object.entries(channels ?? {}) as [Channel, ChannelExpectation][]) {
        expect(CHANNELS).toContain(channel);
        const got = v.channels[channel];
        const label = `${channel}: ${JSON.stringify({ allowed: got.allowed, basis: got.basis, blocker: got.blocker, rules: got.reasons.map((r) => r.rule) })}`;
        expect(got.allowed, label).toBe(e.allowed);
        if (e.basis !== undefined) expect(got.basis, label).toBe(e.basis);
        if (e.blocker !== undefined) expect(got.blocker, label).toBe(e.blocker);
        if (e.until !== undefined) expect(got.until, label).toBe(e.until);
        if (e.rules !== undefined) expect(got.reasons.map((r) => r.rule), label).toEqual(expect.arrayContaining(e.rules));
      }
      const ids = v.reasons.map((r) => r.rule);
      if (reasons !== undefined) expect(ids).toEqual(expect.arrayContaining(reasons));
      for (const absent of absentReasons ?? []) expect(ids).not.toContain(absent);
    });
  }
});

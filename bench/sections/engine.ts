// Engine throughput on one core: varied, realistic facts (the seeded sample generator), validated once, then
// evaluated in a loop after a warm-up so the JIT has settled. Also reports the schema parse rate.
import { DEFAULT_SETTINGS, evaluateContact, parseContactFacts } from '../../src/engine/index.ts';
import type { ContactFacts } from '../../src/engine/index.ts';
import { generateContacts, SAMPLE_REFERENCE_DATE } from '../../scripts/generate-sample.ts';
import type { BenchSection } from '../types.ts';

/** Runs `step` for `budgetMs` of wall time; also returns the CPU time used (meaningful on a loaded machine). */
function timeLoop(budgetMs: number, step: () => number): { count: number; ms: number; cpuMs: number } {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let count = 0;
  let now = start;
  while (now - start < budgetMs) {
    count += step();
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpuStart);
  return { count, ms: now - start, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const section: BenchSection = {
  name: 'engine',
  description: 'evaluateContact on one core over 2,000 generated contacts',
  targets: [{ metric: 'evaluationsPerSecond', min: 300_000, fullRunOnly: true }],
  async run({ quick, log }) {
    const raw = generateContacts(quick ? 500 : 2000, 424242);
    const facts: ContactFacts[] = raw.map((c) => {
      const parsed = parseContactFacts(c);
      if (!parsed.ok) throw new Error(`generated contact ${c.id} rejected: ${parsed.error}`);
      return parsed.facts;
    });
    const options = { at: SAMPLE_REFERENCE_DATE, settings: { ...DEFAULT_SETTINGS, targetRoles: ['cto', 'dsi', 'directeur technique'] } };
    let sink = 0;
    const evaluateAll = (): number => {
      for (const f of facts) sink += evaluateContact(f, options).status.length;
      return facts.length;
    };
    const parseAll = (): number => {
      for (const c of raw) sink += parseContactFacts(c).ok ? 1 : 0;
      return raw.length;
    };
    log('warming up');
    timeLoop(quick ? 200 : 2000, evaluateAll);
    timeLoop(quick ? 100 : 500, parseAll);
    log('timing');
    const evaluated = timeLoop(quick ? 300 : 5000, evaluateAll);
    const parsed = timeLoop(quick ? 200 : 2000, parseAll);
    if (sink === 0) throw new Error('nothing evaluated');
    return {
      contacts: facts.length,
      evaluations: evaluated.count,
      evaluationsPerSecond: Math.round((evaluated.count * 1000) / evaluated.ms),
      microsecondsPerEvaluation: Number(((evaluated.ms * 1000) / evaluated.count).toFixed(2)),
      evaluationsPerCpuSecond: Math.round((evaluated.count * 1000) / evaluated.cpuMs),
      parsesPerSecond: Math.round((parsed.count * 1000) / parsed.ms),
      parsesPerCpuSecond: Math.round((parsed.count * 1000) / parsed.cpuMs),
    };
  },
};

export default section;

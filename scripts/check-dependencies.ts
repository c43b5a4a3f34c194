// `npm run deps:check`: the dependency review that works offline (the registry's advisory endpoint does not
// answer from every network). It reads package-lock.json and checks that
//   1. every package comes from the npm registry (no git, file or http sources) with a sha512 integrity hash;
//   2. a package with an install script is one we approved to run (package.json `allowScripts`) or one whose
//      script npm does not run here and that works without it (listed below with the reason);
//   3. no installed version falls in a range of the pinned advisory snapshot (security/advisories.json):
//      production dependencies at any severity from moderate up, development ones at high and critical.
// It says what it cannot: advisories published after the snapshot's date. `npm audit` gives that live view
// where the endpoint answers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

export interface LockPackage { version?: string; resolved?: string; integrity?: string; dev?: boolean; optional?: boolean; link?: boolean; hasInstallScript?: boolean }
export interface Lockfile { lockfileVersion?: number; packages?: Record<string, LockPackage> }
export interface Advisory { id: string; package: string; vulnerable: string; severity: 'low' | 'moderate' | 'high' | 'critical'; summary: string }
export interface AdvisorySnapshot { snapshotDate: string; advisories: Advisory[] }
export interface Finding { kind: 'source' | 'install_script' | 'advisory' | 'lockfile'; package: string; detail: string; blocking: boolean }

/** Install scripts npm does not run here (not in allowScripts) and that the package does not need. */
export const INERT_INSTALL_SCRIPTS: Record<string, string> = {
  esbuild: 'the preview\'s bundler (development only); its script only re-checks the platform binary, which comes as the @esbuild/<platform> optional package and is found without it',
  'msgpackr-extract': 'optional native speed-up of msgpackr (BullMQ); prebuilt binaries come as @msgpackr-extract/* packages, and msgpackr falls back to JavaScript without it',
};

const SEVERITY = { low: 0, moderate: 1, high: 2, critical: 3 } as const;

function nameOf(key: string): string {
  return key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

export function reviewDependencies(lock: Lockfile, snapshot: AdvisorySnapshot, allowScripts: Record<string, boolean>): Finding[] {
  const findings: Finding[] = [];
  if ((lock.lockfileVersion ?? 0) < 2) findings.push({ kind: 'lockfile', package: '-', detail: 'package-lock.json must be lockfileVersion 2 or 3', blocking: true });
  const byName = new Map<string, Advisory[]>();
  for (const a of snapshot.advisories) byName.set(a.package, [...(byName.get(a.package) ?? []), a]);
  for (const [key, pkg] of Object.entries(lock.packages ?? {})) {
    if (key === '' || pkg.link) continue;
    const name = nameOf(key);
    // No `resolved` means the configured registry (npm's omit-lockfile-registry-resolved); a URL must be npm's.
    const fromRegistry = pkg.resolved === undefined || pkg.resolved.startsWith('https://registry.npmjs.org/');
    if (!fromRegistry || !pkg.integrity?.startsWith('sha512-')) {
      findings.push({ kind: 'source', package: name, detail: `not from the npm registry with a sha512 integrity (${pkg.resolved ?? 'registry'}, ${pkg.integrity?.slice(0, 7) ?? 'no integrity'})`, blocking: true });
    }
    if (pkg.hasInstallScript && allowScripts[name] !== true && !INERT_INSTALL_SCRIPTS[name]) {
      findings.push({ kind: 'install_script', package: name, detail: 'has an install script that nobody reviewed (approve it in package.json allowScripts, or replace the package)', blocking: true });
    }
    const version = pkg.version;
    if (!version) continue;
    for (const a of byName.get(name) ?? []) {
      if (!semver.satisfies(version, a.vulnerable, { includePrerelease: true })) continue;
      const floor = pkg.dev ? SEVERITY.high : SEVERITY.moderate;
      findings.push({ kind: 'advisory', package: `${name}@${version}`, detail: `${a.id} (${a.severity}, ${pkg.dev ? 'development' : 'production'}): ${a.summary}; affected ${a.vulnerable}`, blocking: SEVERITY[a.severity] >= floor });
    }
  }
  return findings;
}

export function reviewProject(root: string): { findings: Finding[]; snapshotDate: string; packages: number } {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as Lockfile;
  const snapshot = JSON.parse(readFileSync(path.join(root, 'security', 'advisories.json'), 'utf8')) as AdvisorySnapshot;
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
  return { findings: reviewDependencies(lock, snapshot, manifest.allowScripts ?? {}), snapshotDate: snapshot.snapshotDate, packages: Object.keys(lock.packages ?? {}).length - 1 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const { findings, snapshotDate, packages } = reviewProject(root);
  for (const f of findings) process.stdout.write(`${f.blocking ? 'FAIL' : 'note'}  ${f.kind}  ${f.package}: ${f.detail}\n`);
  const blocking = findings.filter((f) => f.blocking).length;
  process.stdout.write(`${packages} packages reviewed against the advisory snapshot of ${snapshotDate}: ${blocking} blocking, ${findings.length - blocking} notes\n`);
  process.exitCode = blocking > 0 ? 1 : 0;
}

// "Is this portal's evidence intact?": the keyed chain in the database checked against the signed checkpoints
// kept outside it. One function for the CLI (`ledger verify`), the exports and reports, and the dashboard.
import type { CheckpointSigner, CheckpointStore, LedgerCheckpoint } from './checkpoints.ts';
import { LedgerIntegrityError, type EvidenceLedger, type LedgerVerification } from './ledger.ts';

export interface LedgerAnchor {
  /** Where checkpoints are written; null when none are (tests without a path). */
  readonly location: string | null;
  readonly signer: CheckpointSigner;
  /** Writes a signed checkpoint of the portal's head if it moved past the last one; returns it (else null). */
  checkpoint(portalId: number): Promise<LedgerCheckpoint | null>;
  checkpointPortals(portalIds: number[]): Promise<{ written: number; failed: number }>;
  /** This portal's checkpoints as stored, plus the store's unreadable line numbers (any portal's). */
  read(portalId: number): Promise<{ checkpoints: LedgerCheckpoint[]; unreadable: number[] }>;
}

export function createLedgerAnchor(deps: {
  ledger: EvidenceLedger; signer: CheckpointSigner; store: CheckpointStore | null; clock?: { now(): Date };
  log?: { warn(obj: object, msg: string): void };
}): LedgerAnchor {
  const now = () => (deps.clock ?? { now: () => new Date() }).now();
  let latest: Map<number, LedgerCheckpoint> | null = null;

  async function latestByPortal(): Promise<Map<number, LedgerCheckpoint>> {
    if (latest) return latest;
    const map = new Map<number, LedgerCheckpoint>();
    if (deps.store) {
      for (const cp of (await deps.store.read()).checkpoints) {
        if (!deps.signer.verify(cp)) continue;
        const prior = map.get(cp.portalId);
        if (!prior || cp.seq > prior.seq) map.set(cp.portalId, cp);
      }
    }
    latest = map;
    return map;
  }

  const anchor: LedgerAnchor = {
    location: deps.store?.location ?? null,
    signer: deps.signer,
    async checkpoint(portalId) {
      if (!deps.store) return null;
      const head = await deps.ledger.head(portalId);
      if (head.seq === 0) return null;
      const map = await latestByPortal();
      const last = map.get(portalId);
      if (last && last.seq >= head.seq) {
        // A head behind (or beside) its last checkpoint is what a cut tail looks like: never anchor it over.
        if (last.seq > head.seq || last.hash !== head.hash) deps.log?.warn({ portalId, headSeq: head.seq, checkpointSeq: last.seq }, 'ledger head disagrees with its last checkpoint');
        return null;
      }
      const cp = deps.signer.sign({ portalId, seq: head.seq, hash: head.hash, at: now().toISOString() });
      await deps.store.append(cp);
      map.set(portalId, cp);
      return cp;
    },
    async checkpointPortals(portalIds) {
      let written = 0;
      let failed = 0;
      for (const portalId of portalIds) {
        try {
          if (await anchor.checkpoint(portalId)) written += 1;
        } catch (err) {
          failed += 1;
          deps.log?.warn({ portalId, err: (err as Error).message }, 'ledger checkpoint not written');
        }
      }
      return { written, failed };
    },
    async read(portalId) {
      if (!deps.store) return { checkpoints: [], unreadable: [] };
      const all = await deps.store.read();
      return { checkpoints: all.checkpoints.filter((cp) => cp.portalId === portalId), unreadable: all.unreadable };
    },
  };
  return anchor;
}

export type EvidenceState =
  /** Chain intact and its head is covered by a valid checkpoint. */
  | 'intact'
  /** Chain intact up to the last checkpoint; newer entries wait for the next one. */
  | 'pending'
  /** Chain intact, but no checkpoint (yet, or none configured): a removed tail could not be seen. */
  | 'unanchored'
  | 'broken';

export interface CheckpointProblem {
  kind: 'unreadable_lines' | 'bad_signature' | 'entry_missing' | 'entry_differs';
  seq: number | null;
  at: string | null;
  reason: string;
}

export interface LedgerIntegrity {
  portalId: number;
  ok: boolean;
  state: EvidenceState;
  chain: LedgerVerification;
  checkpoints: {
    location: string | null;
    /** Checkpoints of this portal found in the store, and how many carry a valid signature. */
    found: number;
    valid: number;
    last: { seq: number; hash: string; at: string } | null;
    /** Entries written after the last valid checkpoint (null when the chain is broken). */
    entriesAfterLast: number | null;
    problems: CheckpointProblem[];
  };
}

/** Verifies a portal's chain (keyed hashes, links, erasures, head) and then the chain against every checkpoint. */
export async function verifyPortalEvidence(deps: { ledger: EvidenceLedger; anchor: LedgerAnchor | null }, portalId: number): Promise<LedgerIntegrity> {
  const chain = await deps.ledger.verify(portalId);
  const problems: CheckpointProblem[] = [];
  const { checkpoints, unreadable } = deps.anchor ? await deps.anchor.read(portalId) : { checkpoints: [], unreadable: [] };
  if (unreadable.length > 0) {
    problems.push({ kind: 'unreadable_lines', seq: null, at: null, reason: `${unreadable.length} line(s) of the checkpoint file are not checkpoints (lines ${unreadable.slice(0, 10).join(', ')}): the file was written to by something else` });
  }
  const valid: LedgerCheckpoint[] = [];
  for (const cp of checkpoints) {
    if (deps.anchor?.signer.verify(cp)) valid.push(cp);
    else problems.push({ kind: 'bad_signature', seq: cp.seq, at: cp.at, reason: `the checkpoint of ${cp.at} (entry ${cp.seq}) has an invalid signature or an unknown key "${cp.keyId}"` });
  }
  const stored = await deps.ledger.hashesAt(portalId, valid.map((cp) => cp.seq));
  for (const cp of valid) {
    const hash = stored.get(cp.seq);
    if (hash === undefined) problems.push({ kind: 'entry_missing', seq: cp.seq, at: cp.at, reason: `entry ${cp.seq}, anchored by the checkpoint of ${cp.at}, is missing from the database: entries were removed` });
    else if (hash !== cp.hash) problems.push({ kind: 'entry_differs', seq: cp.seq, at: cp.at, reason: `entry ${cp.seq} differs from the checkpoint of ${cp.at}: the chain was rewritten after it` });
  }
  const last = valid.reduce<LedgerCheckpoint | null>((best, cp) => (!best || cp.seq > best.seq ? cp : best), null);
  const entriesAfterLast = chain.ok ? chain.entries - (last?.seq ?? 0) : null;
  const ok = chain.ok && problems.length === 0;
  const state: EvidenceState = !ok ? 'broken'
    : chain.entries === 0 ? 'intact'
      : !last ? 'unanchored'
        : (entriesAfterLast ?? 0) > 0 ? 'pending' : 'intact';
  return {
    portalId, ok, state, chain,
    checkpoints: {
      location: deps.anchor?.location ?? null, found: checkpoints.length, valid: valid.length,
      last: last ? { seq: last.seq, hash: last.hash, at: last.at } : null, entriesAfterLast, problems,
    },
  };
}

/**
 * The migration path for a chain from before keyed hashing: rekeyed only if no valid checkpoint of the portal
 * exists. Checkpoints are written only for keyed chains, so a portal that has one and shows an unkeyed head was
 * downgraded by someone with database access; rekeying it would launder the edit.
 */
export async function rekeyUnanchoredChain(deps: { ledger: EvidenceLedger; anchor: LedgerAnchor | null }, portalId: number): Promise<{ rekeyed: number; legacyHead: { seq: number; hash: string } | null }> {
  const { checkpoints } = deps.anchor ? await deps.anchor.read(portalId) : { checkpoints: [] };
  if (checkpoints.some((cp) => deps.anchor?.signer.verify(cp))) {
    const head = await deps.ledger.head(portalId);
    const verified = await deps.ledger.verify(portalId);
    if (verified.ok) return { rekeyed: 0, legacyHead: null };
    throw new LedgerIntegrityError(`portal ${portalId} has signed checkpoints, so its chain was keyed already: an unkeyed chain (head ${head.seq}) is a downgrade, not rekeyed`);
  }
  return deps.ledger.rekey(portalId);
}

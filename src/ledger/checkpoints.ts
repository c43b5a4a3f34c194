// Signed checkpoints of each portal's chain head, written outside the database to a place the operator chooses
// (an append-only JSONL file: a volume mounted append-only, `chattr +a`, or a bucket mounted with object lock).
// A checkpoint says "on <at>, portal P's chain had <seq> entries and ended in <hash>", signed with Ed25519 under
// a key from the configuration. Removing the tail of the chain and moving the head back, or rewriting history,
// then disagrees with a checkpoint the database cannot change.
import { createPrivateKey, createPublicKey, sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from './canonical.ts';
import type { LedgerKeyRing } from './ledger.ts';

export const CHECKPOINT_FORMAT = 'prospect-guard/ledger-checkpoint' as const;

export interface LedgerCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  v: 1;
  portalId: number;
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  /** base64 Ed25519 signature over canonicalJSON of every other member. */
  signature: string;
}

export type UnsignedCheckpoint = Omit<LedgerCheckpoint, 'signature' | 'format' | 'v' | 'keyId'>;

export function checkpointSignedText(cp: Omit<LedgerCheckpoint, 'signature'>): string {
  return canonicalJson({ format: cp.format, v: cp.v, portalId: cp.portalId, seq: cp.seq, hash: cp.hash, at: cp.at, keyId: cp.keyId });
}

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface CheckpointSigner {
  sign(input: UnsignedCheckpoint): LedgerCheckpoint;
  verify(cp: LedgerCheckpoint): boolean;
  /** Key id -> raw public key (base64url), for exports: an auditor checks signatures without us. */
  publicKeys(): Record<string, string>;
}

/** Ed25519 keys from LEDGER_SIGNING_KEY seeds: the current one signs, every one verifies (rotation). */
export function createCheckpointSigner(ring: LedgerKeyRing): CheckpointSigner {
  const privates = new Map<string, KeyObject>();
  const publics = new Map<string, KeyObject>();
  for (const [kid, seed] of ring.keys) {
    const key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    privates.set(kid, key);
    publics.set(kid, createPublicKey(key));
  }
  const current = privates.get(ring.currentKeyId);
  if (!current) throw new Error(`signing key "${ring.currentKeyId}" is not in the key ring`);
  return {
    sign(input) {
      const unsigned = { format: CHECKPOINT_FORMAT, v: 1 as const, portalId: input.portalId, seq: input.seq, hash: input.hash, at: input.at, keyId: ring.currentKeyId };
      return { ...unsigned, signature: edSign(null, Buffer.from(checkpointSignedText(unsigned), 'utf8'), current).toString('base64') };
    },
    verify(cp) {
      const key = publics.get(cp.keyId);
      if (!key || typeof cp.signature !== 'string') return false;
      try {
        return edVerify(null, Buffer.from(checkpointSignedText(cp), 'utf8'), key, Buffer.from(cp.signature, 'base64'));
      } catch {
        return false;
      }
    },
    publicKeys() {
      return Object.fromEntries([...publics].map(([kid, key]) => [kid, String(key.export({ format: 'jwk' }).x)]));
    },
  };
}

export interface CheckpointRead {
  checkpoints: LedgerCheckpoint[];
  /** Lines that are not checkpoints (a store someone wrote into): reported by verify as problems. */
  unreadable: number[];
}

export interface CheckpointStore {
  /** Where the checkpoints go, for messages and reports. */
  readonly location: string;
  append(cp: LedgerCheckpoint): Promise<void>;
  read(): Promise<CheckpointRead>;
}

function isCheckpoint(v: unknown): v is LedgerCheckpoint {
  if (!v || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return c.format === CHECKPOINT_FORMAT && c.v === 1 && Number.isSafeInteger(c.portalId) && Number.isSafeInteger(c.seq)
    && typeof c.hash === 'string' && typeof c.at === 'string' && typeof c.keyId === 'string' && typeof c.signature === 'string';
}

/** One JSON checkpoint per line, only ever appended (O_APPEND, flushed to disk before returning). */
export function createFileCheckpointStore(file: string): CheckpointStore {
  return {
    location: file,
    async append(cp) {
      await mkdir(path.dirname(file), { recursive: true });
      const handle = await open(file, 'a', 0o600);
      try {
        await handle.write(`${JSON.stringify(cp)}\n`);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    },
    async read() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: [], unreadable: [] };
        throw err;
      }
      const checkpoints: LedgerCheckpoint[] = [];
      const unreadable: number[] = [];
      text.split('\n').forEach((line, i) => {
        if (line.trim() === '') return;
        try {
          const v: unknown = JSON.parse(line);
          if (isCheckpoint(v)) checkpoints.push(v);
          else unreadable.push(i + 1);
        } catch {
          unreadable.push(i + 1);
        }
      });
      return { checkpoints, unreadable };
    },
  };
}

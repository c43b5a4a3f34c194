// JSON for one verdict, fast. Most of a verdict's bytes are reasons and per-channel verdicts, which the engine
// shares between contacts as frozen objects: their UTF-8 bytes are computed once and reused, so writing a
// verdict is mostly copying cached buffers (no string building, no re-encoding). The bytes parse to the same
// value as JSON.stringify(verdict) (key order aside: channels and reasons come last).
import type { Reason } from '../engine/types.ts';
import type { AuditChannelVerdict as ChannelVerdict, AuditVerdict as Verdict } from './cleaning.ts';

const enc = (text: string): Buffer => Buffer.from(text, 'utf8');
const COMMA = enc(',');
const CHANNELS_END_REASONS_START = enc('},"reasons":[');
const END = enc(']}');

const reasonCache = new WeakMap<Reason, Buffer>();
/** Per channel key: a channel verdict's bytes including its `"key":` prefix. */
const channelCaches = new Map<string, WeakMap<ChannelVerdict, Buffer>>();

function reasonBytes(reason: Reason): Buffer {
  let bytes = reasonCache.get(reason);
  if (bytes === undefined) {
    bytes = enc(JSON.stringify(reason));
    if (Object.isFrozen(reason)) reasonCache.set(reason, bytes);
  }
  return bytes;
}

/** Where verdict bytes go: cached buffers are copied, dynamic text is encoded straight in. */
export interface ByteSink {
  bytes(b: Buffer): void;
  text(s: string): void;
}

function writeReasons(reasons: readonly Reason[], sink: ByteSink): void {
  for (let i = 0; i < reasons.length; i += 1) {
    if (i > 0) sink.bytes(COMMA);
    sink.bytes(reasonBytes(reasons[i] as Reason));
  }
}

function pushReasons(reasons: readonly Reason[], parts: Buffer[]): void {
  for (let i = 0; i < reasons.length; i += 1) {
    if (i > 0) parts.push(COMMA);
    parts.push(reasonBytes(reasons[i] as Reason));
  }
}

function channelBytes(key: string, verdict: ChannelVerdict): Buffer {
  let cache = channelCaches.get(key);
  if (cache === undefined) {
    cache = new WeakMap();
    channelCaches.set(key, cache);
  }
  let bytes = cache.get(verdict);
  if (bytes !== undefined) return bytes;
  const { reasons, ...rest } = verdict;
  const head = JSON.stringify(rest);
  const parts = [enc(`${JSON.stringify(key)}:${head.length > 2 ? `${head.slice(0, -1)},` : '{'}"reasons":[`)];
  pushReasons(reasons, parts);
  parts.push(END);
  bytes = Buffer.concat(parts);
  if (Object.isFrozen(verdict)) cache.set(verdict, bytes);
  return bytes;
}

/**
 * Writes the verdict's JSON bytes to `sink`. `line` (when given) follows the id; `extra` is JSON members
 * (`"a":1,"b":2`) written just before the channels.
 */
export function writeVerdictJson(verdict: Verdict, sink: ByteSink, line?: number, extra?: string): void {
  const { channels, reasons, id, ...rest } = verdict;
  const head = JSON.stringify(rest);
  sink.text(`{"id":${JSON.stringify(id)}${line === undefined ? '' : `,"line":${line}`}${head.length > 2 ? `,${head.slice(1, -1)}` : ''}${extra ? `,${extra}` : ''},"channels":{`);
  let first = true;
  for (const key of Object.keys(channels)) {
    if (!first) sink.bytes(COMMA);
    sink.bytes(channelBytes(key, channels[key as keyof typeof channels]));
    first = false;
  }
  sink.bytes(CHANNELS_END_REASONS_START);
  writeReasons(reasons, sink);
  sink.bytes(END);
}

/** Appends the verdict's JSON bytes to `parts`. */
export function pushVerdictJson(verdict: Verdict, parts: Buffer[], line?: number, extra?: string): void {
  writeVerdictJson(verdict, { bytes: (b) => { parts.push(b); }, text: (s) => { parts.push(enc(s)); } }, line, extra);
}

// Output blocks come back here once the stream has written them (see recycleBlock): allocating a fresh 256 KB
// block per fill made V8 count gigabytes of external memory over a million verdicts and collect far too often.
const freeBlocks: Buffer[] = [];
const MAX_FREE_BLOCKS = 16;

function takeBlock(size: number): Buffer {
  if (size === DEFAULT_BLOCK && freeBlocks.length > 0) return freeBlocks.pop() as Buffer;
  return Buffer.allocUnsafe(size);
}

/**
 * Gives a block yielded by a BlockWriter back for reuse. Call it only once the bytes are out of the process
 * (the write callback of a file or pipe stream), never for a stream that keeps the buffer (PassThrough).
 */
export function recycleBlock(block: Buffer): void {
  if (block.buffer.byteLength !== DEFAULT_BLOCK || freeBlocks.length >= MAX_FREE_BLOCKS) return;
  freeBlocks.push(Buffer.from(block.buffer, 0, DEFAULT_BLOCK));
}

const DEFAULT_BLOCK = 256 * 1024;

/**
 * A ByteSink filling fixed-size blocks: no Buffer object per piece, no concatenation. Full blocks wait in
 * `ready` until taken; a piece never straddles two blocks, so each block is whole UTF-8.
 */
export class BlockWriter implements ByteSink {
  readonly ready: Buffer[] = [];
  private readonly blockSize: number;
  private block: Buffer;
  private pos = 0;

  constructor(blockSize = DEFAULT_BLOCK) {
    this.blockSize = blockSize;
    this.block = takeBlock(blockSize);
  }

  private room(n: number): void {
    if (this.pos + n <= this.block.length) return;
    if (this.pos > 0) this.ready.push(this.block.subarray(0, this.pos));
    this.block = takeBlock(Math.max(this.blockSize, n));
    this.pos = 0;
  }

  bytes(b: Buffer): void {
    this.room(b.length);
    this.block.set(b, this.pos);
    this.pos += b.length;
  }

  text(s: string): void {
    this.room(s.length * 3); // UTF-8 never needs more than 3 bytes per UTF-16 unit
    this.pos += this.block.write(s, this.pos, 'utf8');
  }

  /** Moves what is written so far into `ready` (the next write starts a new block). */
  end(): void {
    if (this.pos === 0) return;
    this.ready.push(this.block.subarray(0, this.pos));
    this.block = takeBlock(this.blockSize);
    this.pos = 0;
  }
}

export function verdictToJson(verdict: Verdict, line?: number, extra?: string): string {
  const parts: Buffer[] = [];
  pushVerdictJson(verdict, parts, line, extra);
  return Buffer.concat(parts).toString('utf8');
}

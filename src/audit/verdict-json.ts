// JSON for one verdict, fast. Most of a verdict's bytes are reasons and per-channel verdicts, which the engine
// shares between contacts as frozen objects: their UTF-8 bytes are computed once and reused, so writing a
// verdict is mostly copying cached buffers (no string building, no re-encoding). The bytes parse to the same
// value as JSON.stringify(verdict) (key order aside: channels and reasons come last).
import type { ChannelVerdict, Reason, Verdict } from '../engine/types.ts';

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

/** Appends the verdict's JSON bytes to `parts`. */
export function pushVerdictJson(verdict: Verdict, parts: Buffer[]): void {
  const { channels, reasons, ...rest } = verdict;
  parts.push(enc(`${JSON.stringify(rest).slice(0, -1)},"channels":{`));
  let first = true;
  for (const key of Object.keys(channels)) {
    if (!first) parts.push(COMMA);
    parts.push(channelBytes(key, channels[key as keyof typeof channels]));
    first = false;
  }
  parts.push(CHANNELS_END_REASONS_START);
  pushReasons(reasons, parts);
  parts.push(END);
}

export function verdictToJson(verdict: Verdict): string {
  const parts: Buffer[] = [];
  pushVerdictJson(verdict, parts);
  return Buffer.concat(parts).toString('utf8');
}

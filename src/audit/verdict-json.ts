// JSON for one verdict, fast. Most of a verdict's bytes are reasons and per-channel verdicts, which the engine
// shares between contacts as frozen objects; their JSON is computed once and reused. The result parses to the
// same value as JSON.stringify(verdict) (key order aside: channels and reasons come last).
import type { ChannelVerdict, Reason, Verdict } from '../engine/types.ts';

const cache = new WeakMap<object, string>();

function reasonJson(reason: Reason): string {
  let json = cache.get(reason);
  if (json === undefined) {
    json = JSON.stringify(reason);
    if (Object.isFrozen(reason)) cache.set(reason, json);
  }
  return json;
}

function reasonsJson(reasons: readonly Reason[]): string {
  let out = '[';
  for (let i = 0; i < reasons.length; i += 1) out += (i === 0 ? '' : ',') + reasonJson(reasons[i] as Reason);
  return `${out}]`;
}

function channelJson(verdict: ChannelVerdict): string {
  let json = cache.get(verdict);
  if (json !== undefined) return json;
  const { reasons, ...rest } = verdict;
  const head = JSON.stringify(rest);
  json = `${head.length > 2 ? `${head.slice(0, -1)},` : '{'}"reasons":${reasonsJson(reasons)}}`;
  if (Object.isFrozen(verdict)) cache.set(verdict, json);
  return json;
}

export function verdictToJson(verdict: Verdict): string {
  const { channels, reasons, ...rest } = verdict;
  let out = JSON.stringify(rest).slice(0, -1);
  out += ',"channels":{';
  let first = true;
  for (const key of Object.keys(channels)) {
    out += `${first ? '' : ','}${JSON.stringify(key)}:${channelJson(channels[key as keyof typeof channels])}`;
    first = false;
  }
  return `${out}},"reasons":${reasonsJson(reasons)}}`;
}

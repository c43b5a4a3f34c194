// Everything a Redis holds under a key prefix, as text: for the personal-data checks. Every type BullMQ and the
// pipeline use is read in full (strings, hashes, lists, sets, sorted sets with scores, streams with their fields).
import { Redis } from 'ioredis';

export interface RedisDump {
  keys: number;
  /** key -> every value stored under it, joined. */
  byKey: Map<string, string>;
}

export async function dumpRedisPrefix(url: string, prefix: string): Promise<RedisDump> {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    const byKey = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        let text = '';
        switch (type) {
          case 'string': text = (await redis.get(key)) ?? ''; break;
          case 'hash': text = Object.entries(await redis.hgetall(key)).flat().join('\n'); break;
          case 'list': text = (await redis.lrange(key, 0, -1)).join('\n'); break;
          case 'set': text = (await redis.smembers(key)).join('\n'); break;
          case 'zset': text = (await redis.zrange(key, 0, -1, 'WITHSCORES')).join('\n'); break;
          case 'stream': text = (await redis.xrange(key, '-', '+')).map(([id, fields]) => [id, ...fields].join('\n')).join('\n'); break;
          default: text = `(${type})`;
        }
        byKey.set(key, `${key}\n${text}`);
      }
    } while (cursor !== '0');
    return { keys: byKey.size, byKey };
  } finally {
    redis.disconnect();
  }
}

/** Keys whose name or content contains one of `needles` (case-insensitive), as "key: needle". */
export function findInDump(dump: RedisDump, needles: string[]): string[] {
  const hits: string[] = [];
  const lowered = needles.filter((n) => n.length >= 4).map((n) => n.toLowerCase());
  for (const [key, text] of dump.byKey) {
    const t = text.toLowerCase();
    for (const n of lowered) if (t.includes(n)) hits.push(`${key}: ${n}`);
  }
  return hits;
}

export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

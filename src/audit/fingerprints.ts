// Remembers which line first held a normalised email or phone, for duplicate detection over files of millions
// of lines. Keys are two independent 32-bit hashes (64 bits: for 2 million keys a false match has odds of about
// one in ten million) in typed arrays with open addressing, so a million keys cost ~25 MB off the JS heap
// instead of a Map of strings (~150 MB on the heap, and the GC walking it on every collection).

let h1 = 0;
let h2 = 0;
/** Sets h1, h2 (no array per call: this runs twice per contact). */
function hashes(text: string): void {
  let a = 0x811c9dc5; // FNV-1a
  let b = 0x9747b28c; // a multiply-rotate mix with another seed
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b = (b << 13) | (b >>> 19);
  }
  b = Math.imul(b ^ (b >>> 16), 0x85ebca6b);
  b ^= b >>> 13;
  h1 = a >>> 0;
  h2 = b >>> 0;
}

export class FingerprintTable {
  private lines: Int32Array;
  private k1: Uint32Array;
  private k2: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(initialSlots = 1 << 14) {
    const size = 1 << Math.ceil(Math.log2(Math.max(16, initialSlots)));
    this.lines = new Int32Array(size);
    this.k1 = new Uint32Array(size);
    this.k2 = new Uint32Array(size);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The line that first held `key`; records `line` and returns 0 when the key is new. Lines start at 1. */
  firstLine(key: string, line: number): number {
    hashes(key);
    let slot = h1 & this.mask;
    for (;;) {
      const held = this.lines[slot] as number;
      if (held === 0) break;
      if (this.k1[slot] === h1 && this.k2[slot] === h2) return held;
      slot = (slot + 1) & this.mask;
    }
    this.lines[slot] = line;
    this.k1[slot] = h1;
    this.k2[slot] = h2;
    this.count += 1;
    if (this.count * 2 > this.mask) this.grow();
    return 0;
  }

  /** The value stored for `key` (its first line), 0 when absent. */
  has(key: string): number {
    hashes(key);
    let slot = h1 & this.mask;
    for (;;) {
      const held = this.lines[slot] as number;
      if (held === 0) return 0;
      if (this.k1[slot] === h1 && this.k2[slot] === h2) return held;
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const { lines, k1, k2 } = this;
    const size = lines.length * 2;
    this.lines = new Int32Array(size);
    this.k1 = new Uint32Array(size);
    this.k2 = new Uint32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < lines.length; i += 1) {
      const line = lines[i] as number;
      if (line === 0) continue;
      const k = k1[i] as number;
      let slot = k & this.mask;
      while (this.lines[slot] !== 0) slot = (slot + 1) & this.mask;
      this.lines[slot] = line;
      this.k1[slot] = k;
      this.k2[slot] = k2[i] as number;
    }
  }
}

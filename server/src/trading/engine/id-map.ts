/**
 * A map from order id (a safe integer) to a value: open addressing with linear probing over a
 * Float64Array of keys. The fast stores look up, insert or delete by id on nearly every command;
 * a JS Map costs about three times as much per operation, and V8 rebuilds its table (in the old
 * generation, once the book has lived a while) whenever deletions pile up or it nears empty.
 * This table never shrinks: it stays sized for the most entries it has held at once.
 */
export class IdMap<V> {
  /** NaN marks an empty slot: no id equals it. */
  private keys = new Float64Array(16).fill(NaN);
  private items: Array<V | undefined> = new Array<V | undefined>(16).fill(undefined);
  /** Slots - 1 (slots are a power of two). */
  private mask = 15;
  /** 32 - log2(slots): the hash keeps the product's high bits, the well-mixed ones. */
  private shift = 28;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: number): V | undefined {
    const slot = this.find(id);
    return slot < 0 ? undefined : this.items[slot];
  }

  set(id: number, value: V): void {
    const slot = this.find(id);
    if (slot >= 0) {
      this.items[slot] = value;
      return;
    }
    // At most half full, so probe runs stay short.
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    let free = this.home(id);
    while (!Number.isNaN(this.keys[free])) free = (free + 1) & this.mask;
    this.keys[free] = id;
    this.items[free] = value;
    this.count++;
  }

  delete(id: number): void {
    let hole = this.find(id);
    if (hole < 0) return;
    const { keys, items, mask } = this;
    // No tombstones: each later entry of the probe run moves back into the hole, unless its home
    // slot lies cyclically in (hole, where it is], where a lookup must still find it.
    for (let next = (hole + 1) & mask; !Number.isNaN(keys[next]); next = (next + 1) & mask) {
      const home = this.home(keys[next]);
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      keys[hole] = keys[next];
      items[hole] = items[next];
      hole = next;
    }
    keys[hole] = NaN;
    items[hole] = undefined;
    this.count--;
  }

  *values(): Generator<V> {
    for (let slot = 0; slot <= this.mask; slot++) if (!Number.isNaN(this.keys[slot])) yield this.items[slot]!;
  }

  /** Fibonacci hashing of the id's low 32 bits (ids beyond 2^32 differ in the key compare). */
  private home(id: number): number {
    return Math.imul(id | 0, 0x9e3779b1) >>> this.shift;
  }

  /** The slot holding `id`, or -1. */
  private find(id: number): number {
    for (let slot = this.home(id); ; slot = (slot + 1) & this.mask) {
      const key = this.keys[slot];
      if (key === id) return slot;
      if (Number.isNaN(key)) return -1;
    }
  }

  private grow(): void {
    const { keys, items } = this;
    const slots = (this.mask + 1) * 2;
    this.keys = new Float64Array(slots).fill(NaN);
    this.items = new Array<V | undefined>(slots).fill(undefined);
    this.mask = slots - 1;
    this.shift--;
    this.count = 0;
    for (let slot = 0; slot < keys.length; slot++) if (!Number.isNaN(keys[slot])) this.set(keys[slot], items[slot]!);
  }
}

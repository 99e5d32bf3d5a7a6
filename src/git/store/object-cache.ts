import type { RawObject } from "./objects.ts";

/**
 * Recently inflated objects by position (pack number × 2^40 + offset; a loose object by id), least
 * recently used first, within a budget in bytes: big trees made an entry-count bound cost 100s of MB.
 */
export class ObjectCache {
  private readonly entries = new Map<number | string, RawObject>();
  private held = 0;

  constructor(private readonly budget: number) {}

  /** Bytes of inflated objects held now. */
  bytes(): number {
    return this.held;
  }

  remember(key: number | string, obj: RawObject): void {
    this.entries.set(key, obj);
    this.held += obj.data.length;
    if (this.held <= this.budget) return;
    for (const [k, v] of this.entries) {
      if (this.held <= this.budget || k === key) break;
      this.entries.delete(k);
      this.held -= v.data.length;
    }
  }

  recall(key: number | string): RawObject | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // most recently used last
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }
}

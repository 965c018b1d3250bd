/** Seeded randomness for the demo site: the same seed gives the same site, with no Math.random. */

type Rng = () => number;

/** mulberry32: small, fast, good enough for fixtures. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Random {
  constructor(private readonly next: Rng) {}
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    const value = list[Math.floor(this.next() * list.length)];
    if (value === undefined) throw new RangeError('pick from an empty list');
    return value;
  }
  some<T>(list: readonly T[], min: number, max: number): T[] {
    const copy = [...list];
    const out: T[] = [];
    const n = Math.min(copy.length, this.int(min, max));
    for (let i = 0; i < n; i++) out.push(...copy.splice(Math.floor(this.next() * copy.length), 1));
    return out;
  }
}

/**
 * Seeded randomness for the simulators: probabilistic faults, garbage bytes and generated test input
 * repeat exactly from a seed, so a failing run can be replayed.
 */

/** mulberry32: tiny, fast and good enough to make probabilistic faults repeatable from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

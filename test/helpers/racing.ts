import type { Services } from '../../services/context';
import type { World } from './world';

/**
 * Services for two concurrent callers (two requests, two replicas) whose transactions open only once
 * both have arrived, so they truly overlap: the row conditions and versions, not timing luck, decide.
 */
export function racingServices(w: World): Services {
  let arrived = 0;
  let release!: () => void;
  const both = new Promise<void>((r) => {
    release = r;
  });
  const db = new Proxy(w.db, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop);
      if (prop !== '$transaction' || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
      return async (...args: unknown[]) => {
        if (++arrived === 2) release();
        await both;
        return (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
  return { ...w.svc, db };
}

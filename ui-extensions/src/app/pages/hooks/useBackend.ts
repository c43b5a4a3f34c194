// Loads one backend resource for a page: loading, error (with retry) or ready; a newer load wins.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiResult } from '../../shared/api.ts';
import type { ApiError } from '../../shared/types.ts';

export type Loaded<T> = { kind: 'loading' } | { kind: 'error'; error: ApiError } | { kind: 'ready'; data: T };

export function useBackend<T>(load: () => Promise<ApiResult<T>>, deps: readonly unknown[]): { state: Loaded<T>; reload: () => void } {
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  const generation = useRef(0);
  // The caller lists what `load` depends on, as with useEffect.
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState({ kind: 'loading' });
    void run().then((r) => {
      if (mine !== generation.current) return;
      setState(r.ok ? { kind: 'ready', data: r.data } : { kind: 'error', error: r.error });
    });
  }, [run]);
  useEffect(() => { reload(); }, [reload]);
  return { state, reload };
}

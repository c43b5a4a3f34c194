// Loads the card from the backend and keeps its state: loading, error (with retry) or ready.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../shared/api.ts';
import type { ApiError, CardResponse } from '../../shared/types.ts';

export type CardState =
  | { kind: 'loading' }
  | { kind: 'error'; error: ApiError }
  | { kind: 'ready'; card: CardResponse };

export function useCardData(portalId: number, contactId: number | string): {
  state: CardState; reload: () => void; replace: (card: CardResponse) => void;
} {
  const [state, setState] = useState<CardState>({ kind: 'loading' });
  const generation = useRef(0);
  const load = useCallback(() => {
    const mine = ++generation.current;
    setState({ kind: 'loading' });
    void api.getCard(portalId, contactId).then((result) => {
      if (mine !== generation.current) return; // a newer load superseded this one
      setState(result.ok ? { kind: 'ready', card: result.data } : { kind: 'error', error: result.error });
    });
  }, [portalId, contactId]);
  useEffect(() => { load(); }, [load]);
  const replace = useCallback((card: CardResponse) => {
    generation.current++;
    setState({ kind: 'ready', card });
  }, []);
  return { state, reload: load, replace };
}

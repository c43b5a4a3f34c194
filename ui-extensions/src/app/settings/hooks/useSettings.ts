// Loads and saves the portal settings; keeps loading / error / ready state and the last save outcome.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../shared/api.ts';
import type { ApiError, CrmSettings, SettingsResponse } from '../../shared/types.ts';

export type SettingsState =
  | { kind: 'loading' }
  | { kind: 'error'; error: ApiError }
  | { kind: 'ready'; data: SettingsResponse };

export type SaveOutcome = { kind: 'none' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'failed'; error: ApiError };

export function useSettings(portalId: number) {
  const [state, setState] = useState<SettingsState>({ kind: 'loading' });
  const [save, setSave] = useState<SaveOutcome>({ kind: 'none' });
  const load = useCallback(() => {
    setState({ kind: 'loading' });
    void api.getSettings(portalId).then((r) => setState(r.ok ? { kind: 'ready', data: r.data } : { kind: 'error', error: r.error }));
  }, [portalId]);
  useEffect(() => { load(); }, [load]);
  const submit = useCallback((settings: CrmSettings) => {
    setSave({ kind: 'saving' });
    void api.saveSettings(portalId, settings).then((r) => {
      if (r.ok) { setState({ kind: 'ready', data: r.data }); setSave({ kind: 'saved' }); } else { setSave({ kind: 'failed', error: r.error }); }
    });
  }, [portalId]);
  return { state, save, reload: load, submit };
}

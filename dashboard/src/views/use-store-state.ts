/** The store's state in a component, re-rendering on every change. */
import { useEffect, useState } from 'preact/hooks';
import type { DashboardState } from '../dashboard-state.ts';
import type { Store } from '../store.ts';

export function useStoreState(store: Store): DashboardState {
  const [state, setState] = useState(store.state);
  useEffect(() => {
    // A change between the first render and this subscription would otherwise be missed.
    setState(store.state);
    return store.subscribe(setState);
  }, [store]);
  return state;
}

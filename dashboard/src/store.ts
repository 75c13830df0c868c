/**
 * The one place the dashboard's state lives: the current `DashboardState`, changed only by
 * dispatching events through `reduceDashboard`, with listeners told after each change. The
 * controller dispatches; the views subscribe and re-render.
 */
import { type DashboardEvent, type DashboardState, initialDashboardState, reduceDashboard } from './dashboard-state.ts';

export type Listener = (state: DashboardState) => void;
export type Dispatch = (event: DashboardEvent) => void;

export class Store {
  #state: DashboardState;
  readonly #listeners = new Set<Listener>();

  constructor(initial: DashboardState = initialDashboardState()) {
    this.#state = initial;
  }

  get state(): DashboardState {
    return this.#state;
  }

  /** Applies `event` and tells the listeners if the state changed (bound: views pass it around). */
  readonly dispatch: Dispatch = (event) => {
    const next = reduceDashboard(this.#state, event);
    if (next === this.#state) return;
    this.#state = next;
    for (const listener of [...this.#listeners]) listener(next);
  };

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

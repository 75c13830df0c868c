/**
 * The page: the login form until a token works, then the workspace (fleet, params and edit form,
 * history, diff, rollback). Renders the store's state; typing dispatches to the store, anything
 * that reaches the edge goes to the controller.
 */
import type { DashboardController } from '../controller.ts';
import type { Store } from '../store.ts';
import { canWrite } from '../dashboard-state.ts';
import { DiffCard } from './diff-card.tsx';
import { FleetCard } from './fleet-card.tsx';
import { RolloutCard } from './rollout-card.tsx';
import { HistoryCard } from './history-card.tsx';
import { KillSwitchDialog } from './kill-switch-dialog.tsx';
import { LoginView } from './login-view.tsx';
import { NoticeView } from './notice-view.tsx';
import { ParamsCard } from './params-card.tsx';
import { PerfCard } from './perf-card.tsx';
import { RollbackDialog } from './rollback-dialog.tsx';
import { TopBar } from './top-bar.tsx';
import { useStoreState } from './use-store-state.ts';

export function AppView({ store, controller }: { store: Store; controller: DashboardController }) {
  const state = useStoreState(store);
  const { session } = state;
  if (session.kind === 'signed-out')
    return <LoginView controller={controller} checking={session.checking} error={session.error} />;
  return (
    <>
      <TopBar
        controller={controller}
        dispatch={store.dispatch}
        sets={session.sets}
        set={state.set}
        head={state.head}
        live={state.live}
        canWrite={canWrite(state)}
        signingKey={state.signingKey}
      />
      {state.head?.params.trading_mode === 'halted' ? (
        <div class="halted" id="halted-banner" role="status">
          <strong>HALTED</strong>
          {` — ${state.head.set} v${state.head.version} has trading_mode=halted: runners quote nothing. Set by ${state.head.author}: "${state.head.message}".`}
        </div>
      ) : null}
      <div id="banner" role="alert">
        <NoticeView notice={state.banner?.notice ?? null} />
      </div>
      <main class="app">
        <FleetCard fleet={state.fleet} head={state.head?.version ?? null} />
        <PerfCard perf={state.perf} controller={controller} />
        <RolloutCard
          rollout={state.rollout.last}
          perf={state.rollout.perf}
          error={state.rollout.error}
          writable={canWrite(state)}
          decision={state.rolloutDecision}
          controller={controller}
          dispatch={store.dispatch}
        />
        <ParamsCard state={state} controller={controller} dispatch={store.dispatch} />
        <div class="stack">
          <HistoryCard state={state} controller={controller} />
          <DiffCard state={state} controller={controller} dispatch={store.dispatch} />
        </div>
      </main>
      <RollbackDialog set={state.set ?? ''} rollback={state.rollback} controller={controller} dispatch={store.dispatch} />
      <KillSwitchDialog set={state.set ?? ''} dialog={state.killSwitch} controller={controller} dispatch={store.dispatch} />
    </>
  );
}

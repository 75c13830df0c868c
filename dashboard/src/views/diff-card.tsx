/** Any two versions side by side: the keys they disagree on. */
import type { DashboardController } from '../controller.ts';
import { type DashboardState, diffSelection } from '../dashboard-state.ts';
import type { Dispatch } from '../store.ts';
import { DiffTable } from './diff-table.tsx';
import { NoticeView } from './notice-view.tsx';

function DiffResult({ diff }: { diff: DashboardState['diff'] }) {
  if (!diff) return null;
  if (diff.kind === 'pick-two') return <p class="empty">Pick two versions.</p>;
  const { changes, from, to } = diff;
  switch (changes.kind) {
    case 'loading':
      return <p class="muted small">{`Comparing v${from} and v${to}…`}</p>;
    case 'failed':
      return <NoticeView notice={{ kind: 'failure', context: 'Diff unavailable', failure: changes.failure }} />;
    case 'loaded':
      return (
        <>
          <p class="muted small">{`v${from} → v${to}: ${changes.value.length} key(s) differ`}</p>
          <DiffTable changes={changes.value} />
        </>
      );
  }
}

export function DiffCard({
  state,
  controller,
  dispatch,
}: {
  state: DashboardState;
  controller: DashboardController;
  dispatch: Dispatch;
}) {
  const picked = diffSelection(state);
  const options = state.history.versions.map((v) => (
    <option key={v.version} value={String(v.version)}>
      {`v${v.version} · ${v.author}`}
    </option>
  ));
  const pick = (end: 'from' | 'to') => (e: { currentTarget: HTMLSelectElement }) =>
    dispatch({ type: 'diff-picked', end, version: Number(e.currentTarget.value) });
  return (
    <section class="card" id="diff-card">
      <div class="head">
        <h2>Compare versions</h2>
      </div>
      <div class="diff-controls">
        <label>
          From{' '}
          <select id="diff-from" value={picked.from === null ? '' : String(picked.from)} onChange={pick('from')}>
            {options}
          </select>
        </label>
        <label>
          to{' '}
          <select id="diff-to" value={picked.to === null ? '' : String(picked.to)} onChange={pick('to')}>
            {options}
          </select>
        </label>
        <button type="button" id="diff-show" onClick={() => void controller.showDiff(picked.from, picked.to)}>
          Show diff
        </button>
      </div>
      <div id="diff-result">
        <DiffResult diff={state.diff} />
      </div>
    </section>
  );
}

/** The audit trail of a set: who changed what, when and why, with a rollback button per version. */
import type { Version } from '../../../shared/api.ts';
import type { DashboardController } from '../controller.ts';
import { type DashboardState, canWrite } from '../dashboard-state.ts';
import { formatTime } from '../format.ts';
import { Badge, NoticeView } from './notice-view.tsx';

function KindBadge({ version }: { version: Version }) {
  if (version.kind === 'rollback') return <Badge text={`rollback to v${version.rollback_of}`} tone="warn" />;
  if (version.kind === 'create') return <Badge text="created" tone="info" />;
  return null;
}

function HistoryRow({
  version: v,
  head,
  writable,
  controller,
}: {
  version: Version;
  head: number | null;
  writable: boolean;
  controller: DashboardController;
}) {
  const when = formatTime(v.created_at);
  const isHead = v.version === head;
  return (
    <tr data-version={v.version}>
      <td class="num">
        <strong>{`v${v.version}`}</strong> {isHead ? <Badge text="current" tone="ok" /> : null} <KindBadge version={v} />
      </td>
      <td class="small when" title={when}>
        <div>{when.slice(0, 10)}</div>
        <div class="muted">{when.slice(11)}</div>
      </td>
      <td>{v.author}</td>
      <td>{v.message}</td>
      <td>
        {isHead || !writable ? null : (
          <button
            type="button"
            class="link"
            data-rollback={v.version}
            title={`Roll back to v${v.version}`}
            onClick={() => void controller.openRollback(v.version)}
          >
            Roll back
          </button>
        )}
      </td>
    </tr>
  );
}

export function HistoryCard({ state, controller }: { state: DashboardState; controller: DashboardController }) {
  const { history } = state;
  const head = state.head?.version ?? null;
  return (
    <section class="card" id="history-card">
      <div class="head">
        <h2>History</h2>
        <span class="spacer" />
        <button
          type="button"
          id="history-more"
          class="link"
          hidden={!history.nextBefore}
          onClick={() => void controller.loadHistory({ append: true })}
        >
          Older versions
        </button>
      </div>
      <div class="scroll">
        <table id="history-table">
          <thead>
            <tr>
              <th>Version</th>
              <th>When</th>
              <th>Author</th>
              <th>Message</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {history.failure ? (
              <tr>
                <td colSpan={5}>
                  <NoticeView notice={{ kind: 'failure', context: 'History unavailable', failure: history.failure }} />
                </td>
              </tr>
            ) : (
              history.versions.map((v) => (
                <HistoryRow key={v.version} version={v} head={head} writable={canWrite(state)} controller={controller} />
              ))
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

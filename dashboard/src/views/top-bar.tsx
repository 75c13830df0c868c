/** The header: which set, which version, whether the page is live, the signing key, sign-out. */
import type { SetSummary, Version } from '../../../shared/api.ts';
import type { DashboardController } from '../controller.ts';
import type { Live } from '../dashboard-state.ts';
import type { Dispatch } from '../store.ts';
import { Badge } from './notice-view.tsx';

function liveLabel(live: Live): { class: string; text: string; title: string } {
  switch (live.kind) {
    case 'connecting':
      return { class: 'live', text: 'connecting', title: 'Live updates' };
    case 'down':
      return { class: 'live off', text: 'reconnecting', title: `Edge unreachable: ${live.why}` };
    case 'live':
      return live.stale
        ? {
            class: 'live off',
            text: 'live (possibly stale copy)',
            title: 'The edge answered from its replicated copy: the newest version may not be shown yet',
          }
        : { class: 'live on', text: 'live', title: 'Live: new versions show up as soon as they are written' };
  }
}

export function TopBar(props: {
  controller: DashboardController;
  dispatch: Dispatch;
  canWrite: boolean;
  sets: SetSummary[];
  set: string | null;
  head: Version | null;
  live: Live;
  /** The name of the signing key loaded for this page, if any. */
  signingKey: string | null;
}) {
  const { controller, sets, set, head } = props;
  const live = liveLabel(props.live);
  return (
    <header class="top">
      <h1>livetune</h1>
      <label>
        Param set{' '}
        <select
          id="set-picker"
          aria-label="Param set"
          value={set ?? ''}
          onChange={(e) => void controller.selectSet(e.currentTarget.value)}
        >
          {sets.map((s) => (
            <option key={s.set} value={s.set}>
              {s.set}
            </option>
          ))}
        </select>
      </label>
      <span class="version-tag" id="head-version">
        {head ? <Badge text={`v${head.version}`} tone="info" /> : null}
      </span>
      <span class="spacer" />
      {props.canWrite && head && head.params.trading_mode !== 'halted' ? (
        <button type="button" class="danger" id="kill-switch" onClick={() => props.dispatch({ type: 'kill-opened' })}>
          Halt trading
        </button>
      ) : null}
      {props.canWrite ? <SigningKeyControl controller={controller} name={props.signingKey} /> : null}
      <span class={live.class} id="live" title={live.title}>
        {live.text}
      </span>
      <button type="button" id="logout" onClick={() => controller.signOut()}>
        Sign out
      </button>
    </header>
  );
}

/** Load a key file for this page (read in the browser, never uploaded), or forget the loaded one. */
function SigningKeyControl({ controller, name }: { controller: DashboardController; name: string | null }) {
  if (name !== null)
    return (
      <span class="signing" id="signing-key" title="Every write from this page is signed with this key">
        signing as <strong>{name}</strong>{' '}
        <button type="button" id="forget-signing-key" onClick={() => controller.forgetSigningKey()}>
          Forget key
        </button>
      </span>
    );
  return (
    <label class="signing" title="A key file from livetune keys generate: it stays in this page, only signatures are sent">
      Signing key{' '}
      <input
        id="signing-key-file"
        type="file"
        accept=".json,application/json"
        onChange={(e) => {
          const input = e.currentTarget;
          const file = input.files?.[0];
          input.value = '';
          if (file) void file.text().then((text) => controller.loadSigningKey(text));
        }}
      />
    </label>
  );
}

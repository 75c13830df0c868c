/** Replace the whole document at once (a preset, a copy from another set): checked like the form, sent as a PUT. */
import type { DashboardController } from '../controller.ts';
import type { DashboardState } from '../dashboard-state.ts';
import type { Dispatch } from '../store.ts';
import { NoticeView } from './notice-view.tsx';

export function JsonEditor({
  json,
  controller,
  dispatch,
}: {
  json: DashboardState['json'];
  controller: DashboardController;
  dispatch: Dispatch;
}) {
  return (
    <details id="json-editor">
      <summary>Replace the whole document (JSON, e.g. a preset)</summary>
      <textarea
        id="json-text"
        class="mono"
        rows={10}
        spellcheck={false}
        value={json.text}
        onInput={(e) => dispatch({ type: 'json-changed', text: e.currentTarget.value })}
      />
      <div id="json-errors">
        <NoticeView notice={json.notice} />
      </div>
      <div class="row">
        <button type="button" id="json-apply" onClick={() => void controller.applyJson()}>
          Validate and replace
        </button>
      </div>
    </details>
  );
}

/**
 * The dashboard's static markup. Only the login form is rendered on load; the application lives in
 * an inert `<template>` that the script clones once a token has been accepted by the edge, so
 * nothing but the login form shows before a token works. No data is ever part of this markup:
 * everything shown comes from the API and is inserted with `textContent`.
 */
export const DASHBOARD_BODY = `
<section class="login" id="login">
  <h1>livetune</h1>
  <p class="muted">Live tuning of the market-making fleet. Sign in with an API token.</p>
  <form id="login-form" autocomplete="off">
    <label for="token">API token</label>
    <input type="password" id="token" name="token" required spellcheck="false" autocomplete="off">
    <button type="submit" class="primary" id="login-submit">Sign in</button>
    <p class="notice error" id="login-error" role="alert" hidden></p>
    <p class="muted small">The token is kept in this browser tab's session storage only, and sent to this edge only.</p>
  </form>
</section>

<template id="app-template">
  <header class="top">
    <h1>livetune</h1>
    <label>Param set <select id="set-picker" aria-label="Param set"></select></label>
    <span class="version-tag" id="head-version"></span>
    <span class="spacer"></span>
    <span class="live" id="live" title="Live updates">connecting</span>
    <button type="button" id="logout">Sign out</button>
  </header>
  <div id="banner" role="alert"></div>
  <main class="app">
    <section class="card wide" id="fleet-card">
      <div class="head"><h2>Fleet</h2><span class="muted small" id="fleet-summary"></span></div>
      <table id="fleet-table">
        <thead><tr>
          <th>Runner</th><th>Region</th><th>Applied version</th><th>Sync state</th>
          <th class="num">Params age</th><th class="num">Last seen</th><th class="num">Mid</th>
          <th class="num">Inventory</th><th class="num">P&amp;L</th><th>Notes</th>
        </tr></thead>
        <tbody></tbody>
      </table>
      <p class="muted" id="fleet-empty" hidden>No runner has reported for this set yet.</p>
    </section>

    <section class="card" id="params-card">
      <div class="head"><h2 id="params-title">Parameters</h2></div>
      <p class="muted small meta" id="params-meta"></p>
      <div class="hints" id="hints"></div>
      <form id="edit-form" novalidate>
        <table id="params-table">
          <thead><tr><th>Parameter</th><th class="num">Current</th><th>New value</th><th>Accepted</th><th class="num">Default</th></tr></thead>
          <tbody></tbody>
        </table>
        <div class="editor-foot">
          <div class="pending" id="pending"></div>
          <div id="edit-errors"></div>
          <label for="message">Change message <span class="muted small">(required: why this change?)</span></label>
          <textarea id="message" maxlength="500" placeholder="e.g. widen: realized vol doubled after the funding print"></textarea>
          <div class="row">
            <button type="submit" class="primary" id="apply">Apply change</button>
            <button type="button" id="reset">Discard edits</button>
          </div>
        </div>
      </form>
      <details id="json-editor">
        <summary>Replace the whole document (JSON, e.g. a preset)</summary>
        <textarea id="json-text" class="mono" rows="10" spellcheck="false"></textarea>
        <div id="json-errors"></div>
        <div class="row"><button type="button" id="json-apply">Validate and replace</button></div>
      </details>
    </section>

    <div class="stack">
      <section class="card" id="history-card">
        <div class="head"><h2>History</h2><span class="spacer"></span><button type="button" id="history-more" class="link" hidden>Older versions</button></div>
        <div class="scroll">
          <table id="history-table">
            <thead><tr><th>Version</th><th>When</th><th>Author</th><th>Message</th><th></th></tr></thead>
            <tbody></tbody>
          </table>
        </div>
      </section>
      <section class="card" id="diff-card">
        <div class="head"><h2>Compare versions</h2></div>
        <div class="diff-controls">
          <label>From <select id="diff-from"></select></label>
          <label>to <select id="diff-to"></select></label>
          <button type="button" id="diff-show">Show diff</button>
        </div>
        <div id="diff-result"></div>
      </section>
    </div>
  </main>

  <dialog id="rollback-dialog">
    <form method="dialog" id="rollback-form">
      <h3 id="rollback-title">Roll back</h3>
      <p class="muted small">A rollback creates a new version equal to the target; every runner applies it within a second.</p>
      <div class="scroll" id="rollback-diff"></div>
      <label for="rollback-message">Reason <span class="muted small">(required)</span></label>
      <textarea id="rollback-message" maxlength="500"></textarea>
      <div id="rollback-errors"></div>
      <div class="row">
        <button type="button" id="rollback-cancel">Cancel</button>
        <button type="button" class="danger" id="rollback-confirm">Roll back</button>
      </div>
    </form>
  </dialog>
</template>
`;

/**
 * Browser code (as text): sign-in and sign-out. The token lives in sessionStorage (this tab, this
 * browser session) and is checked against the edge before anything else is shown; the application
 * markup is cloned from its inert template only once a token has been accepted.
 */
export const SCRIPT_SESSION = String.raw`
const TOKEN_KEY = 'livetune.token';
const NOTICE_KEY = 'livetune.notice';

const state = {
  token: null, schema: null, sets: [], set: null,
  head: null, etag: null, history: [], nextBefore: null, fleet: null,
  rows: {}, loops: null, rollbackTarget: null, busy: false,
};

function showLoginError(text) {
  const node = $('login-error');
  node.textContent = text;
  node.hidden = !text;
}

async function signIn(token) {
  state.token = token;
  $('login-submit').disabled = true;
  try {
    const [sets, schema] = await Promise.all([api('/v1/sets'), api('/v1/schema')]);
    sessionStorage.setItem(TOKEN_KEY, token);
    state.sets = Array.isArray(sets.body && sets.body.sets) ? sets.body.sets : [];
    state.schema = schema.body;
    startApp();
  } catch (err) {
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    showLoginError(err.status === 401 ? 'This token was not accepted (401). Check it and try again.'
      : err.status === 403 ? 'This token may not read param sets (403).'
      : 'Sign-in failed: ' + err.message + ' (' + err.code + ')');
  } finally {
    const submit = $('login-submit');
    if (submit) submit.disabled = false;
  }
}

/** Forgets the token and returns to a blank login form (a reload drops every piece of state). */
function signOut(reason) {
  sessionStorage.removeItem(TOKEN_KEY);
  if (reason) sessionStorage.setItem(NOTICE_KEY, reason);
  if (state.loops) state.loops.abort();
  location.reload();
}

function bootLogin() {
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token').value.trim();
    if (!token) return showLoginError('Enter a token.');
    $('token').value = '';
    signIn(token);
  });
  const reason = sessionStorage.getItem(NOTICE_KEY);
  if (reason) { sessionStorage.removeItem(NOTICE_KEY); showLoginError(reason); }
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) signIn(saved);
  else $('token').focus();
}
`;

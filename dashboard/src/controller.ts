/**
 * What the operator's actions do that reaches beyond the page: sign-in, picking a set, applying an
 * edit or a whole document, history, diff and rollback. Every effect goes through what is injected
 * (the edge API, a `Clock`, the tab's storage, the URL fragment); every outcome is an event
 * dispatched to the store. Typing into a field changes nothing but the state: the views dispatch
 * those events to the store themselves.
 *
 * The token lives in the tab's session storage (this tab, this browser session) and is checked
 * against the edge before the application is shown. The last set picked is remembered in local
 * storage (not a secret), so a fresh sign-in opens it again. A signing key the operator loads
 * (`session-signer.ts`) lives only in this object: every write signs with it while it is loaded.
 */
import { type Clock, systemClock } from '../../shared/clock.ts';
import { EdgeApi, type VersionAnswer } from './api.ts';
import { signInRefusal, toFailure } from './api-failure.ts';
import { type Notice, failureNotice, textNotice } from './dashboard-state.ts';
import { checkDocument, checkEdits, readMessage } from './edits.ts';
import { TOKEN_REJECTED, fleetLoop, paramsLoop, perfLoop, rolloutLoop } from './live-loops.ts';
import { readKeyFile, type SignedChange, signChangeOn } from './session-signer.ts';
import type { SigningKey } from '../../shared/signing/sign-change.ts';
import type { WriteSignature } from '../../shared/signing/version-signature.ts';
import type { Store } from './store.ts';

/** The part of `Storage` the controller uses (sessionStorage in the page, a map in tests). */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The URL fragment, where the picked set is kept (`#set=hype-perp`) so a reload shows it again. */
export interface Fragment {
  read(): string;
  write(fragment: string): void;
}

export interface ControllerOptions {
  store: Store;
  storage: TokenStorage;
  /** Where the last set picked is kept across sign-ins (localStorage in the page). */
  preferences?: TokenStorage;
  fragment: Fragment;
  clock?: Clock;
  createApi?: (token: string) => EdgeApi;
}

const TOKEN_KEY = 'livetune.token';
const LAST_SET_KEY = 'livetune.last-set';
/** How long an ok or info banner stays. */
export const BANNER_MS = 6000;
const HISTORY_PAGE = 25;

export class DashboardController {
  readonly #store: Store;
  readonly #storage: TokenStorage;
  readonly #preferences: TokenStorage | undefined;
  readonly #fragment: Fragment;
  readonly #clock: Clock;
  readonly #createApi: (token: string) => EdgeApi;
  #api: EdgeApi | null = null;
  /** The operator's signing key for this page, never stored or sent (only its signatures are). */
  #signer: SigningKey | null = null;
  #loops: AbortController | null = null;
  #bannerId = 0;

  constructor({
    store,
    storage,
    preferences,
    fragment,
    clock = systemClock,
    createApi = (token) => new EdgeApi({ token }),
  }: ControllerOptions) {
    this.#store = store;
    this.#storage = storage;
    this.#preferences = preferences;
    this.#fragment = fragment;
    this.#clock = clock;
    this.#createApi = createApi;
  }

  /** Signs in with the token this tab kept, if any. */
  async start(): Promise<void> {
    const saved = this.#storage.getItem(TOKEN_KEY);
    if (saved) await this.signIn(saved);
  }

  async signIn(token: string): Promise<void> {
    const store = this.#store;
    if (!token) return store.dispatch({ type: 'sign-in-failed', error: 'Enter a token.' });
    store.dispatch({ type: 'sign-in-started' });
    const api = this.#createApi(token);
    try {
      const sets = await api.sets();
      this.#storage.setItem(TOKEN_KEY, token);
      this.#api = api;
      store.dispatch({ type: 'signed-in', sets });
    } catch (error) {
      this.#storage.removeItem(TOKEN_KEY);
      return store.dispatch({ type: 'sign-in-failed', error: signInRefusal(toFailure(error)) });
    }
    const names = store.state.session.kind === 'signed-in' ? store.state.session.sets.map((s) => s.set) : [];
    // The link's set, else the one used last in this browser, else the first.
    const fromFragment = decodeURIComponent(/^#set=(.+)$/.exec(this.#fragment.read())?.[1] ?? '');
    const lastUsed = this.#preferences?.getItem(LAST_SET_KEY) ?? '';
    const initial = [fromFragment, lastUsed].find((name) => names.includes(name)) ?? names[0];
    if (initial) return this.selectSet(initial);
    store.dispatch({ type: 'live-changed', live: { kind: 'down', why: 'no set' } });
    this.#showBanner(
      textNotice('info', [
        'No param set exists yet. Create one with the CLI: livetune set <key>=<value> -m "first version" --set <name>.',
      ]),
    );
  }

  /** Forgets the token and every piece of state; `reason` is shown on the login form. */
  signOut(reason: string | null = null): void {
    this.#storage.removeItem(TOKEN_KEY);
    this.#loops?.abort();
    this.#loops = null;
    this.#api = null;
    this.#signer = null;
    this.#store.dispatch({ type: 'signed-out', reason });
  }

  /** Loads the key file's text as this page's signing key; every write is signed from now on. */
  async loadSigningKey(text: string): Promise<void> {
    try {
      this.#signer = await readKeyFile(text);
    } catch (error) {
      this.#showBanner(textNotice('error', [`Signing key not loaded: ${(error as Error).message}`]));
      return;
    }
    this.#store.dispatch({ type: 'signing-key-changed', name: this.#signer.name });
    this.#showBanner(
      textNotice('ok', [`Signing as ${this.#signer.name}. The key stays in this page: a reload or sign-out forgets it.`]),
    );
  }

  forgetSigningKey(): void {
    this.#signer = null;
    this.#store.dispatch({ type: 'signing-key-changed', name: null });
  }

  /**
   * The signature of `change` on the head shown (the write's If-Match), when a key is loaded. The
   * set's newest version is read first: a rollout's candidate in flight is the signed parent.
   */
  async #sign(change: SignedChange, message: string): Promise<WriteSignature | undefined> {
    const { set, head } = this.#store.state;
    const signer = this.#signer;
    if (!signer || !set || !head || !this.#api) return undefined;
    const newest = (await this.#api.versions(set, { limit: 1 })).versions[0];
    return signChangeOn(set, head, newest, change, message, signer);
  }

  async selectSet(set: string): Promise<void> {
    const api = this.#api;
    if (!api) return;
    this.#loops?.abort();
    const loops = new AbortController();
    this.#loops = loops;
    this.#store.dispatch({ type: 'set-selected', set });
    this.#fragment.write(`#set=${encodeURIComponent(set)}`);
    this.#preferences?.setItem(LAST_SET_KEY, set);
    void this.#learnAccess(api);
    try {
      const answer = await this.#loadHead(set);
      this.#store.dispatch({ type: 'live-changed', live: { kind: 'live', stale: answer.stale } });
    } catch (error) {
      const failure = toFailure(error);
      if (failure.status === 401) return this.signOut(TOKEN_REJECTED);
      this.#showBanner(failureNotice(`Could not load ${set}`, failure.info()));
    }
    if (loops.signal.aborted) return;
    const ctx = {
      store: this.#store,
      api,
      clock: this.#clock,
      set,
      acceptHead: (answer: VersionAnswer) => this.#acceptHead(answer),
      signOut: (reason: string) => this.signOut(reason),
    };
    void paramsLoop(ctx, loops.signal);
    void fleetLoop(ctx, loops.signal);
    void perfLoop(ctx, loops.signal);
    void rolloutLoop(ctx, loops.signal);
  }

  /** Versions `a` and `b` side by side (the per-version table's compare). */
  async compareVersions(a: number, b: number): Promise<void> {
    const set = this.#store.state.set;
    if (!this.#api || !set) return;
    this.#store.dispatch({ type: 'compare-started', a, b });
    try {
      const answer = await this.#api.compare(set, a, b);
      this.#store.dispatch({ type: 'compare-finished', a, b, answer: { kind: 'loaded', value: answer } });
    } catch (error) {
      this.#store.dispatch({ type: 'compare-finished', a, b, answer: { kind: 'failed', failure: toFailure(error).info() } });
    }
  }

  /** Promote (the next stage now) or abort (a rollback version for every runner) the rollout in flight. */
  /** Promotes or aborts the rollout of the open decision dialog, with its reason as the message. */
  async confirmRolloutDecision(): Promise<void> {
    const { set, rolloutDecision: decision } = this.#store.state;
    if (!this.#api || !set || !decision || decision.busy) return;
    const message = readMessage(decision.reason);
    if (!message)
      return this.#store.dispatch({
        type: 'decision-failed',
        notice: textNotice('error', ['A reason is required: it is the audit trail.']),
      });
    const { id, action } = decision;
    this.#store.dispatch({ type: 'decision-started' });
    try {
      const rollout = await this.#api.decideRollout(set, id, action, message);
      this.#store.dispatch({ type: 'decision-closed' });
      this.#store.dispatch({ type: 'rollout-loaded', rollout });
      this.#showBanner(
        textNotice('ok', [
          action === 'abort'
            ? `Rollout ${id} aborted: v${rollout.outcome_version} reaches every runner.`
            : rollout.state === 'promoted'
              ? `Rollout ${id} promoted: v${rollout.version} is the head.`
              : `Rollout ${id} moved to stage ${rollout.stage + 1}.`,
        ]),
      );
    } catch (error) {
      const failure = toFailure(error);
      this.#store.dispatch({
        type: 'decision-failed',
        notice: failureNotice(`The edge refused to ${action} rollout ${id}`, failure.info()),
      });
      if (failure.status === 401) this.signOut(TOKEN_REJECTED);
    }
  }

  /** Asks the edge once per sign-in whether the token may write; read tokens get a read-only page. */
  async #learnAccess(api: EdgeApi): Promise<void> {
    const session = this.#store.state.session;
    if (session.kind !== 'signed-in' || session.access !== 'unknown') return;
    try {
      const write = await api.canWrite();
      if (this.#api === api) this.#store.dispatch({ type: 'access-known', access: write ? 'write' : 'read' });
    } catch {
      // Unknown stays unknown (controls hidden); the next set picked asks again.
    }
  }

  /** A colleague's version arrived over pending edits: nothing is sent until the operator chose. */
  #refuseOverConflict(form: 'edit' | 'json'): boolean {
    const conflict = this.#store.state.conflict;
    if (!conflict) return false;
    const notice = textNotice('error', [
      `v${conflict.head.version} arrived while you were editing v${conflict.base.version}: re-apply your edits on it, or discard them.`,
    ]);
    this.#store.dispatch(form === 'edit' ? { type: 'edit-notice', notice } : { type: 'json-notice', notice });
    return true;
  }

  /** The operator saw the colleague's change and wants their edits written on top of it. */
  async reapplyEdits(form: 'edit' | 'json'): Promise<void> {
    this.#store.dispatch({ type: 'conflict-accepted' });
    await (form === 'edit' ? this.applyEdits() : this.applyJson());
  }

  /** Sends the form's edits as a merge patch (PATCH), after the same checks the edge makes. */
  async applyEdits(): Promise<void> {
    const { head, drafts } = this.#store.state;
    if (!head || !drafts || this.#refuseOverConflict('edit')) return;
    const { patch, issues } = checkEdits(drafts, head.params);
    const notice = (n: Notice) => this.#store.dispatch({ type: 'edit-notice', notice: n });
    const items = issues.map((i) => i.message);
    if (items.length) return notice(textNotice('error', ['Fix these first:'], items));
    if (!Object.keys(patch).length) return notice(textNotice('info', [`Nothing to apply: every value equals v${head.version}.`]));
    await this.#write('edit', 'PATCH', patch);
  }

  /** Replaces the whole document (PUT): absent keys take their defaults, as in a fresh params file. */
  async applyJson(): Promise<void> {
    const notice = (n: Notice) => this.#store.dispatch({ type: 'json-notice', notice: n });
    if (this.#refuseOverConflict('json')) return;
    let doc: unknown;
    try {
      doc = JSON.parse(this.#store.state.json.text);
    } catch (error) {
      return notice(textNotice('error', [`Not valid JSON: ${(error as Error).message}`]));
    }
    const issues = checkDocument(doc);
    const items = issues.map((i) => i.message);
    if (items.length) return notice(textNotice('error', ['Not accepted:'], items));
    await this.#write('json', 'PUT', doc);
  }

  async loadHistory({ append = false }: { append?: boolean } = {}): Promise<void> {
    const { set, history } = this.#store.state;
    if (!this.#api || !set) return;
    try {
      const page = await this.#api.versions(set, { limit: HISTORY_PAGE, before: append ? history.nextBefore : null });
      if (this.#store.state.set !== set) return;
      this.#store.dispatch({ type: 'history-loaded', versions: page.versions, nextBefore: page.next_before, append });
    } catch (error) {
      this.#store.dispatch({ type: 'history-failed', failure: toFailure(error).info() });
    }
  }

  async showDiff(from: number | null, to: number | null): Promise<void> {
    const set = this.#store.state.set;
    if (!this.#api || !set) return;
    if (from === null || to === null) return this.#store.dispatch({ type: 'diff-needs-two' });
    this.#store.dispatch({ type: 'diff-started', from, to });
    try {
      const diff = await this.#api.diff(set, from, to);
      this.#store.dispatch({ type: 'diff-finished', from, to, changes: { kind: 'loaded', value: diff.changes } });
    } catch (error) {
      this.#store.dispatch({ type: 'diff-finished', from, to, changes: { kind: 'failed', failure: toFailure(error).info() } });
    }
  }

  /** Opens the confirmation dialog, with what the rollback would change. */
  async openRollback(target: number): Promise<void> {
    const { set, head } = this.#store.state;
    if (!this.#api || !set || !head) return;
    this.#store.dispatch({ type: 'rollback-opened', target });
    try {
      const diff = await this.#api.diff(set, head.version, target);
      this.#store.dispatch({ type: 'rollback-diff', target, changes: { kind: 'loaded', value: diff.changes } });
    } catch (error) {
      this.#store.dispatch({ type: 'rollback-diff', target, changes: { kind: 'failed', failure: toFailure(error).info() } });
    }
  }

  async confirmRollback(): Promise<void> {
    const { set, rollback, etag } = this.#store.state;
    if (!this.#api || !set || !rollback || rollback.busy) return;
    const message = readMessage(rollback.reason);
    if (!message)
      return this.#store.dispatch({
        type: 'rollback-failed',
        notice: textNotice('error', ['A reason is required: it is the audit trail.']),
      });
    this.#store.dispatch({ type: 'rollback-started' });
    try {
      const signature = this.#signer
        ? await this.#sign(
            { kind: 'rollback', to: rollback.target, params: (await this.#api.version(set, rollback.target)).params },
            message,
          )
        : undefined;
      const answer = await this.#api.rollback(set, { to: rollback.target, message, ifMatch: etag, signature });
      this.#store.dispatch({ type: 'rollback-closed' });
      this.#acceptHead(answer);
      this.#showBanner(textNotice('ok', [`Rolled back: v${answer.version.version} holds the params of v${rollback.target}.`]));
    } catch (error) {
      const failure = toFailure(error);
      this.#store.dispatch({ type: 'rollback-failed', notice: failureNotice('Rollback refused', failure.info()) });
      if (failure.status === 412) await this.#reloadHead(set);
      if (failure.status === 401) this.signOut(TOKEN_REJECTED);
    }
  }

  /**
   * The kill switch: trading_mode=halted as a merge patch with `If-Match: *` — it must land whatever
   * a colleague wrote meanwhile, and it changes that one key only — after a confirmation with a reason.
   */
  async confirmKillSwitch(): Promise<void> {
    const { set, killSwitch } = this.#store.state;
    if (!this.#api || !set || !killSwitch || killSwitch.busy) return;
    const message = readMessage(killSwitch.reason);
    if (!message)
      return this.#store.dispatch({
        type: 'kill-failed',
        notice: textNotice('error', ['A reason is required: it is the audit trail.']),
      });
    this.#store.dispatch({ type: 'kill-started' });
    try {
      const answer = await this.#halt(set, message);
      this.#store.dispatch({ type: 'kill-closed' });
      this.#acceptHead(answer);
      this.#showBanner(textNotice('ok', [`Halted: v${answer.version.version}. Runners cancel their orders as they apply it.`]));
    } catch (error) {
      const failure = toFailure(error);
      this.#store.dispatch({ type: 'kill-failed', notice: failureNotice('The edge refused the halt', failure.info()) });
      if (failure.status === 401) this.signOut(TOKEN_REJECTED);
    }
  }

  /**
   * Unsigned, the halt goes with `If-Match: *`. Signed, it must name the head it was signed on: a
   * head that moved meanwhile (412) is read again and the halt signed on it, a few times.
   */
  async #halt(set: string, message: string): Promise<VersionAnswer> {
    const api = this.#api!;
    const patch = { trading_mode: 'halted' };
    if (!this.#signer) return api.write(set, 'PATCH', { params: patch, message, ifMatch: '*' });
    for (let attempt = 0; ; attempt++) {
      const signature = await this.#sign({ kind: 'merge', patch }, message);
      try {
        return await api.write(set, 'PATCH', { params: patch, message, ifMatch: this.#store.state.etag, signature });
      } catch (error) {
        if (toFailure(error).status !== 412 || attempt >= 2) throw error;
        await this.#loadHead(set);
      }
    }
  }

  async #write(form: 'edit' | 'json', method: 'PATCH' | 'PUT', params: unknown): Promise<void> {
    const store = this.#store;
    const { set, etag, message: typed } = store.state;
    if (!this.#api || !set) return;
    const message = readMessage(typed);
    if (!message) {
      const notice = textNotice('error', ['A change message is required: say why, it is the audit trail.']);
      return store.dispatch(form === 'edit' ? { type: 'edit-notice', notice } : { type: 'json-notice', notice });
    }
    store.dispatch({ type: 'write-started' });
    try {
      const change: SignedChange =
        method === 'PATCH' ? { kind: 'merge', patch: params as Record<string, unknown> } : { kind: 'replace', params };
      const signature = await this.#sign(change, message);
      const answer = await this.#api.write(set, method, { params, message, ifMatch: etag, signature });
      store.dispatch({ type: 'write-succeeded', form });
      this.#acceptHead(answer);
      this.#showBanner(
        textNotice('ok', [`Applied as v${answer.version.version}. Runners pick it up within a second; watch the fleet table.`]),
      );
    } catch (error) {
      const failure = toFailure(error);
      const issues = failure.status === 422 ? failure.fields : [];
      store.dispatch({
        type: 'write-failed',
        form,
        notice: failureNotice('The edge refused the change', failure.info()),
        issues,
      });
      if (failure.status === 412) await this.#reloadHead(set);
      if (failure.status === 401) this.signOut(TOKEN_REJECTED);
    }
  }

  async #loadHead(set: string): Promise<VersionAnswer> {
    if (!this.#api) throw new Error('not signed in');
    const answer = await this.#api.params(set);
    if (answer.kind !== 'version') throw new Error('the edge answered 304 to a read without If-None-Match');
    this.#acceptHead(answer);
    return answer;
  }

  /** After a 412: shows the version that got in first (the operator's edits are kept). */
  async #reloadHead(set: string): Promise<void> {
    try {
      await this.#loadHead(set);
    } catch {
      // The long-poll will bring it.
    }
  }

  /**
   * Takes a version as the new head, newest wins; a new version also reloads the history, and a
   * diff shown up to the old current version is shown again up to the new one (unless "to" is
   * pinned). Pending edits are not rebased here: the store records the conflict for the operator.
   */
  #acceptHead({ version, etag }: VersionAnswer): void {
    const previous = this.#store.state.head;
    this.#store.dispatch({ type: 'head-received', version, etag });
    if (this.#store.state.head !== version || previous?.version === version.version) return;
    void this.loadHistory().then(() => {
      const { diff, diffPick } = this.#store.state;
      if (diff?.kind === 'shown' && diffPick.to === null && diff.to === previous?.version)
        void this.showDiff(diff.from, version.version);
    });
  }

  /** Shows a banner; ok and info banners go away by themselves, errors stay until replaced. */
  #showBanner(notice: Notice): void {
    const id = ++this.#bannerId;
    this.#store.dispatch({ type: 'banner-shown', id, notice });
    if (notice.kind === 'text' && notice.tone !== 'error') {
      void this.#clock.sleep(BANNER_MS).then(() => this.#store.dispatch({ type: 'banner-expired', id }));
    }
  }
}

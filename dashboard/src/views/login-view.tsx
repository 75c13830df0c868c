/**
 * The only thing shown until a token works. The form never submits anywhere (CSP `form-action
 * 'none'`): the token goes to the controller, which checks it against the edge.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { DashboardController } from '../controller.ts';

export function LoginView({
  controller,
  checking,
  error,
}: {
  controller: DashboardController;
  checking: boolean;
  error: string | null;
}) {
  const token = useRef<HTMLInputElement>(null);
  useEffect(() => token.current?.focus(), []);

  function submit(event: SubmitEvent) {
    event.preventDefault();
    const input = token.current;
    if (!input) return;
    const value = input.value.trim();
    input.value = '';
    void controller.signIn(value);
  }

  return (
    <section class="login" id="login">
      <h1>livetune</h1>
      <p class="muted">Live tuning of the market-making fleet. Sign in with an API token.</p>
      <form id="login-form" autocomplete="off" onSubmit={submit}>
        <label for="token">API token</label>
        <input ref={token} type="password" id="token" name="token" required spellcheck={false} autocomplete="off" />
        <button type="submit" class="primary" id="login-submit" disabled={checking}>
          Sign in
        </button>
        <p class="notice error" id="login-error" role="alert" hidden={!error}>
          {error ?? ''}
        </p>
        <p class="muted small">The token is kept in this browser tab's session storage only, and sent to this edge only.</p>
      </form>
    </section>
  );
}

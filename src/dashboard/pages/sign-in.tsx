/** Sign in: the email and password of a Rafiki user; a reason shown when the last session ended by itself. */
import { useState } from 'preact/hooks';
import { adminApi } from '../api.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { tokenExpiry, type Session } from '../session.ts';

export function SignIn({ reason, onSignedIn }: { reason: string | null; onSignedIn: (session: Session) => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const email = String(form.get('email'));
    setBusy(true);
    setError(null);
    try {
      const api = adminApi();
      const user = await api.login(email, String(form.get('password')));
      const token = api.token!;
      onSignedIn({ token, email, userId: user.id, userType: user.userType, expiresAt: tokenExpiry(token) });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>Rafiki</h1>
      {reason && <p class="notice" role="status">{reason}</p>}
      <form onSubmit={submit} aria-label="Sign in">
        <label>Email<input name="email" type="email" autocomplete="username" required autofocus /></label>
        <label>Password<input name="password" type="password" autocomplete="current-password" required /></label>
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}

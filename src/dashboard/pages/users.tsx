/** Users (admins): everyone with their role and whether banned; create a user with a role; ban one. */
import { useState } from 'preact/hooks';
import { USER_TYPES } from '../../common/domain.ts';
import type { UserJson } from '../../admin/schemas/users.ts';
import { useSession } from '../app-session.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime } from '../components/format.ts';
import { useAsync } from '../use-async.ts';

export function Users() {
  const { api, session } = useSession();
  const users = useAsync(() => api.getUsers(), []);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);
  // Only a superadmin manages admins.
  const types = USER_TYPES.filter((t) => session.userType === 'SUPERADMIN' ? t !== 'SUPERADMIN' : t !== 'SUPERADMIN' && t !== 'ADMIN');

  const create = async (event: Event) => {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    setError(null);
    setCreated(null);
    try {
      const user = await api.createUser({ email: String(form.get('email')), password: String(form.get('password')), userType: form.get('user_type') as UserJson['user_type'] });
      setCreated(`${user.email} was created as ${user.user_type}.`);
      formElement.reset();
      users.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  const ban = async (user: UserJson) => {
    if (!confirm(`Ban ${user.email}? Their tokens stop working at once.`)) return;
    setError(null);
    try {
      await api.banUser(user.email);
      users.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <section>
      <h1>Users</h1>
      <form class="inline-form" onSubmit={create} aria-label="Create a user">
        <label>Email<input name="email" type="email" required /></label>
        <label>Password<input name="password" type="password" minLength={8} required autocomplete="new-password" /></label>
        <label>Role<select name="user_type" required>{types.map((t) => <option key={t} value={t}>{t}</option>)}</select></label>
        <button type="submit">Create user</button>
      </form>
      <ErrorNote error={error} />
      {created && <p role="status" class="notice">{created}</p>}
      <ErrorNote error={users.error} />
      <DataTable<UserJson>
        caption="Users"
        rows={users.data ?? []}
        rowKey={(u) => u.id}
        initialSort={{ key: 'email', descending: false }}
        empty={users.loading ? 'Loading…' : 'No users.'}
        columns={[
          { key: 'email', label: 'Email', value: (u) => u.email },
          { key: 'type', label: 'Role', value: (u) => u.user_type },
          { key: 'created', label: 'Created', value: (u) => u.created_date, render: (u) => formatTime(u.created_date) },
          { key: 'banned', label: 'Banned', value: (u) => u.banned_date, render: (u) => (u.banned_date ? formatTime(u.banned_date) : '—') },
          {
            key: 'actions', label: 'Actions',
            render: (u) => (u.banned_date || u.id === session.userId || !types.includes(u.user_type) ? null
              : <button type="button" class="danger" onClick={() => ban(u)} aria-label={`Ban ${u.email}`}>Ban</button>),
          },
        ]}
      />
    </section>
  );
}

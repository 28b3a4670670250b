-- Leases (docs/design.md §8): every running Admin has a row it keeps fresh; the
-- jobs and services it runs point at it. Deleting an Admin's row (at its clean
-- stop, or by another Admin once its heartbeat is older than the lease) frees
-- its jobs for any Admin to take.
create table admins (
  id uuid primary key default gen_random_uuid(),
  hostname text not null,
  pid integer not null,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now()
);

alter table train_jobs add column admin_id uuid references admins (id) on delete set null;
alter table inference_jobs add column admin_id uuid references admins (id) on delete set null;
alter table services add column admin_id uuid references admins (id) on delete set null;

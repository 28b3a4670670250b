-- What the dashboard follows live (docs/design.md §5): when each trial last
-- changed, and the intermediate scores trials report while they train, each
-- with the Advisor's early-stopping decision on it (the learning curves).
alter table trials add column updated_at timestamptz not null default now();
create index trials_updated on trials (sub_train_job_id, updated_at);

create table trial_reports (
  id bigserial primary key,
  trial_id uuid not null references trials (id) on delete cascade,
  step double precision not null,
  score double precision,
  decision text not null check (decision in ('continue', 'stop')),
  reported_at timestamptz not null default now()
);
create index trial_reports_trial on trial_reports (trial_id, id);
create index trial_reports_time on trial_reports (reported_at);

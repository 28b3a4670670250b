-- The whole metadata model of docs/design.md §3–6. Later migrations add to it.
-- The value lists in check constraints mirror src/common/domain.ts (a store test keeps them in step).

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique,
  password_hash text not null,
  user_type text not null check (user_type in ('SUPERADMIN', 'ADMIN', 'MODEL_DEVELOPER', 'APP_DEVELOPER', 'APP_USER')),
  created_at timestamptz not null default now(),
  banned_at timestamptz
);

create table models (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id),
  name text not null,
  task text not null check (task in ('TABULAR_CLASSIFICATION', 'TABULAR_REGRESSION', 'IMAGE_CLASSIFICATION')),
  model_class text not null,
  model_file bytea not null,
  dependencies jsonb not null default '{}',
  access_right text not null default 'PRIVATE' check (access_right in ('PUBLIC', 'PRIVATE')),
  knob_config jsonb not null,
  created_at timestamptz not null default now(),
  unique (user_id, name)
);

create table datasets (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id),
  name text not null,
  task text not null check (task in ('TABULAR_CLASSIFICATION', 'TABULAR_REGRESSION', 'IMAGE_CLASSIFICATION')),
  -- The file lives in the content-addressed store under the data directory, named by its hash.
  sha256 text not null,
  size_bytes bigint not null,
  stats jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index datasets_sha256 on datasets (sha256);

create table train_jobs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id),
  app text not null,
  app_version integer not null,
  task text not null check (task in ('TABULAR_CLASSIFICATION', 'TABULAR_REGRESSION', 'IMAGE_CLASSIFICATION')),
  train_dataset_id uuid not null references datasets (id),
  val_dataset_id uuid not null references datasets (id),
  budget jsonb not null,
  train_args jsonb not null default '{}',
  status text not null default 'STARTED' check (status in ('STARTED', 'RUNNING', 'STOPPED', 'ERRORED')),
  error text,
  started_at timestamptz not null default now(),
  stopped_at timestamptz,
  unique (user_id, app, app_version)
);

create table sub_train_jobs (
  id uuid primary key default gen_random_uuid(),
  train_job_id uuid not null references train_jobs (id) on delete cascade,
  model_id uuid not null references models (id),
  status text not null default 'STARTED' check (status in ('STARTED', 'RUNNING', 'STOPPED', 'ERRORED')),
  error text,
  -- The Advisor session serving this sub-job, if one is open; rebuilt from the trials after a restart.
  advisor_session text,
  started_at timestamptz not null default now(),
  stopped_at timestamptz
);
create index sub_train_jobs_train_job on sub_train_jobs (train_job_id);
create index sub_train_jobs_model on sub_train_jobs (model_id);

create table services (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('TRAIN_WORKER', 'INFERENCE_WORKER', 'PREDICTOR', 'ADVISOR')),
  status text not null default 'STARTED' check (status in ('STARTED', 'RUNNING', 'STOPPED', 'ERRORED')),
  host text not null,
  port integer,
  pid integer,
  sub_train_job_id uuid references sub_train_jobs (id) on delete cascade,
  inference_job_id uuid,
  restarts integer not null default 0,
  error text,
  started_at timestamptz not null default now(),
  stopped_at timestamptz
);

create table trials (
  id uuid primary key default gen_random_uuid(),
  sub_train_job_id uuid not null references sub_train_jobs (id) on delete cascade,
  no integer not null,
  model_id uuid not null references models (id),
  knobs jsonb not null,
  status text not null default 'PENDING' check (status in ('PENDING', 'RUNNING', 'COMPLETED', 'ERRORED', 'TERMINATED')),
  score double precision,
  error text,
  worker_id uuid references services (id) on delete set null,
  started_at timestamptz not null default now(),
  stopped_at timestamptz,
  unique (sub_train_job_id, no)
);
create index trials_score on trials (sub_train_job_id, score desc nulls last);

create table trial_logs (
  id bigserial primary key,
  trial_id uuid not null references trials (id) on delete cascade,
  logged_at timestamptz not null default now(),
  kind text not null check (kind in ('MESSAGE', 'METRICS', 'PLOT')),
  data jsonb not null
);
create index trial_logs_trial on trial_logs (trial_id, id);

create table trial_parameters (
  trial_id uuid primary key references trials (id) on delete cascade,
  -- The SDK's binary parameter format (src/model/params.ts).
  params bytea not null,
  onnx bytea,
  created_at timestamptz not null default now()
);

create table inference_jobs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id),
  train_job_id uuid not null references train_jobs (id),
  budget jsonb not null,
  status text not null default 'STARTED' check (status in ('STARTED', 'RUNNING', 'STOPPED', 'ERRORED')),
  error text,
  predictor_host text,
  started_at timestamptz not null default now(),
  stopped_at timestamptz
);
create index inference_jobs_train_job on inference_jobs (train_job_id);
-- One running inference job per train job.
create unique index inference_jobs_one_running on inference_jobs (train_job_id) where status in ('STARTED', 'RUNNING');

create table inference_job_trials (
  inference_job_id uuid not null references inference_jobs (id) on delete cascade,
  trial_id uuid not null references trials (id),
  primary key (inference_job_id, trial_id)
);

alter table services add foreign key (inference_job_id) references inference_jobs (id) on delete cascade;

-- Versions of a template: uploading one under a name its owner already has makes
-- that name's next version, a row of its own. Train jobs and trials keep the id,
-- so each keeps the exact version it was started with.
alter table models add column version integer not null default 1 check (version >= 1);
alter table models drop constraint models_user_id_name_key;
alter table models add constraint models_user_id_name_version_key unique (user_id, name, version);

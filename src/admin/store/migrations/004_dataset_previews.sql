-- What the dashboard shows of a dataset: its first rows, or thumbnails and class
-- counts. Made by the upload's check, which parses the file in its sandbox anyway,
-- so that the Admin never decodes a user's file; kept apart from the datasets'
-- rows so that listing datasets does not read it.
create table dataset_previews (
  dataset_id uuid primary key references datasets (id) on delete cascade,
  preview jsonb not null
);

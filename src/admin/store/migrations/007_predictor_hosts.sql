-- Every frontend of an inference job, where a job has several (its budget's
-- FRONTEND_COUNT): predictor_host stays the one clients are sent to first.
alter table inference_jobs add column predictor_hosts text[];

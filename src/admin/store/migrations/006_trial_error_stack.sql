-- Where a failed trial's template failed: its stack, kept beside the one-line
-- error for the job's owner and admins (src/admin/jobs/train-jobs.ts decides who sees it).
alter table trials add column error_stack text;

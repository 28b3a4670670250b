/**
 * The domain's vocabularies, once. The database's check constraints, the wire
 * schemas and the client's types are all derived from these lists.
 */
export { TASKS, type Task } from '../model/task.ts';

export const USER_TYPES = ['SUPERADMIN', 'ADMIN', 'MODEL_DEVELOPER', 'APP_DEVELOPER', 'APP_USER'] as const;
export type UserType = (typeof USER_TYPES)[number];

export const ACCESS_RIGHTS = ['PUBLIC', 'PRIVATE'] as const;
export type AccessRight = (typeof ACCESS_RIGHTS)[number];

export const JOB_STATUSES = ['STARTED', 'RUNNING', 'STOPPED', 'ERRORED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TRIAL_STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'ERRORED', 'TERMINATED'] as const;
export type TrialStatus = (typeof TRIAL_STATUSES)[number];

export const SERVICE_KINDS = ['TRAIN_WORKER', 'INFERENCE_WORKER', 'PREDICTOR', 'ADVISOR'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export const SERVICE_STATUSES = ['STARTED', 'RUNNING', 'STOPPED', 'ERRORED'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export const TRAIN_BUDGET_KEYS = ['MODEL_TRIAL_COUNT', 'TIME_HOURS', 'WORKER_COUNT', 'GPU_COUNT'] as const;
export type TrainBudget = Partial<Record<(typeof TRAIN_BUDGET_KEYS)[number], number>>;
/** What a train job's budget says where its request left a field out: no trial limit, 6 minutes, one worker per template, no GPU. */
export const TRAIN_BUDGET_DEFAULTS = { MODEL_TRIAL_COUNT: -1, TIME_HOURS: 0.1, WORKER_COUNT: 1, GPU_COUNT: 0 } as const satisfies Required<TrainBudget>;

export const INFERENCE_BUDGET_KEYS = ['MODEL_COUNT', 'REPLICA_COUNT', 'FRONTEND_COUNT', 'GPU_COUNT'] as const;
export type InferenceBudget = Partial<Record<(typeof INFERENCE_BUDGET_KEYS)[number], number>>;

/** Admins manage users; superadmins also manage admins. */
export const ADMIN_TYPES: readonly UserType[] = ['SUPERADMIN', 'ADMIN'];
/** Who may upload datasets and run jobs. */
export const DEVELOPER_TYPES: readonly UserType[] = ['SUPERADMIN', 'ADMIN', 'MODEL_DEVELOPER', 'APP_DEVELOPER'];
/** Who may upload model templates. */
export const MODEL_DEVELOPER_TYPES: readonly UserType[] = ['SUPERADMIN', 'ADMIN', 'MODEL_DEVELOPER'];

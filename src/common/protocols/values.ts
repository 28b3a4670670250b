/** Schemas of the domain's values as they cross between processes, derived from the domain's own lists. */
import { Type } from '@sinclair/typebox';
import { TASKS } from '../domain.ts';

export const TaskSchema = Type.Union(TASKS.map((task) => Type.Literal(task)));

export const KnobValueSchema = Type.Union([Type.Number(), Type.String({ maxLength: 1000 }), Type.Boolean()]);
export const KnobsSchema = Type.Record(Type.String({ maxLength: 200 }), KnobValueSchema, { maxProperties: 200 });

/** Ids the Admin makes (UUIDs); short, so that a worker cannot fill a log with its ids. */
export const TrialIdSchema = Type.String({ minLength: 1, maxLength: 64 });

import pino from 'pino';
import { traceFields } from './telemetry';

/** One logger for the process; subsystems take a child with their name (`log.child({ mod: 'outbox' })`). */
export const log = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: undefined,
  // Inside a traced turn every line carries its trace_id and span_id (nothing when telemetry is off).
  mixin: traceFields,
});

import pino from 'pino';

/** One logger for the process; subsystems take a child with their name (`log.child({ mod: 'outbox' })`). */
export const log = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: undefined,
});

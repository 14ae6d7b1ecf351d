import { ConfigError } from './config';

/**
 * A reason the bot cannot start that an operator can act on: what went wrong, and what to do about
 * it. `npm start` prints both and exits 1 (bot/main.ts); anything else that fails at start is
 * described by `describeStartFailure`.
 */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly whatToDo: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StartupError';
  }
}

type SystemError = Error & { code?: unknown; port?: unknown; address?: unknown; syscall?: unknown };

/**
 * Turns whatever a failed start threw (an Error, a system error, a rejection with `undefined`) into
 * two plain sentences. Never throws: this runs on the way out.
 */
export function describeStartFailure(e: unknown): { problem: string; whatToDo: string } {
  if (e instanceof StartupError) return { problem: e.message, whatToDo: e.whatToDo };
  if (e instanceof ConfigError)
    return {
      problem: e.message,
      whatToDo: 'Set or correct the variables named above (README, Configuration), then start again.',
    };
  if (!(e instanceof Error)) {
    return {
      problem: `A start-up step failed without saying why (it gave ${e === undefined ? 'no error' : JSON.stringify(String(e))}).`,
      whatToDo: 'Start again with LOG_LEVEL=debug to see every step (the embedded PostgreSQL logs its own reason there).',
    };
  }
  const err = e as SystemError;
  if (err.code === 'EADDRINUSE')
    return {
      problem: `Port ${String(err.port ?? '')} is already in use, so the bot cannot listen on it.`,
      whatToDo: 'Stop the program using that port, or choose another with PORT=….',
    };
  if (err.code === 'EADDRNOTAVAIL' || (err.code === 'EACCES' && err.syscall === 'listen'))
    return {
      problem: `The bot cannot listen on ${String(err.address ?? 'HOST')}:${String(err.port ?? 'PORT')} (${String(err.code)}).`,
      whatToDo: 'Set HOST to an address of this machine (0.0.0.0 for all) and PORT to a free port above 1023.',
    };
  if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'ETIMEDOUT')
    return {
      problem: `The database server cannot be reached (${String(err.code)}: ${err.message}).`,
      whatToDo: 'Check DATABASE_URL (host and port) and that the server is running; unset DATABASE_URL to use the embedded one.',
    };
  if (err.code === '28P01' || err.code === '28000' || err.code === '3D000')
    return {
      problem: `The database refused the connection: ${err.message}.`,
      whatToDo: 'Check the user, password and database name in DATABASE_URL.',
    };
  return {
    problem: err.message || err.name,
    whatToDo: 'Fix the cause named above and start again; with LOG_LEVEL=debug every start-up step is logged.',
  };
}

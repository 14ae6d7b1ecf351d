import { isServiceError, type ServiceError } from '../../services/errors';

/** The typed service error a call fails with; fails the test when the call succeeds or throws anything else. */
export async function failure(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    if (isServiceError(e)) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

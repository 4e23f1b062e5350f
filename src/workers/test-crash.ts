import { parseDuration } from '../config/duration.js';

/**
 * TEST ONLY (documented in ARCHITECTURE.md): `AUTO_TESTING_TEST_CRASH_WORKER=K@T` throws an uncaught
 * error in worker K, T after the schedule starts (e.g. `1@2s`), so end-to-end tests can check that a
 * crashed worker is reported and its requests accounted for. Unset in normal use.
 */
export const TEST_CRASH_ENV = 'AUTO_TESTING_TEST_CRASH_WORKER';

export function armTestCrash(worker: number): void {
  const m = /^(\d+)@(.+)$/.exec(process.env[TEST_CRASH_ENV] ?? '');
  const afterMs = m ? parseDuration(m[2]) : null;
  if (!m || Number(m[1]) !== worker || afterMs === null) return;
  setTimeout(() => {
    throw new Error(`test crash (${TEST_CRASH_ENV}=${m[0]})`);
  }, afterMs).unref();
}

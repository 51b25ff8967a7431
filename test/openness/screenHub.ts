import { getTestHub, type TestHub } from '../support/testHub.ts';

/** The shared test hub; it has Socket.IO attached like production (Redis adapter, every component's sockets). */
export function getScreenHub(): Promise<TestHub> {
  return getTestHub();
}

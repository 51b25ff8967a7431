import { closeTestHub } from '../support/testHub.ts';

// A root-level hook: after every suite of every file, close the shared hub (server, queues, connections).
after(async () => {
  await closeTestHub();
});

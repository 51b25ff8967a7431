/**
 * One short seeded case of the fault suite (bench/chaos.ts, `npm run chaos` runs the long one): a cluster
 * hub under orders and viewers while a web process, the worker, FerretDB and Redis are SIGKILLed in turn.
 */
import { expect } from 'chai';
import { runChaos } from '../../bench/chaos.ts';

describe('fault suite, short seeded case (SIGKILL web, worker, FerretDB, Redis under load)', function () {
  this.timeout(300_000);

  it('no acknowledged order is lost, nothing is oversold, every order is audited and the chain verifies', async () => {
    // Orders and viewers only: the claims load of `npm run chaos` has an open stall (docs/faults.md) and stays out
    // of the suite until it is found.
    const report = await runChaos({ seed: 11, seconds: 24, stock: 150, buyers: 6, viewers: 2, claimers: 0, log: () => undefined });
    expect(report.kills).to.have.length(4);
    expect(report.acknowledged, 'orders were acknowledged during the run').to.be.greaterThan(0);
    expect(report.acknowledgedLost, JSON.stringify(report)).to.equal(0);
    expect(report.oversold, JSON.stringify(report)).to.equal(0);
    // The counter agrees with the database's truth once the queue is drained.
    expect(report.counterAfter).to.equal(report.stockListed - report.unitsSold);
    expect(report.ordersWithoutAuditEvent, JSON.stringify(report)).to.equal(0);
    expect(report.auditChainOk, report.auditChain).to.equal(true);
  });
});

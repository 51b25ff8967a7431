/**
 * One short seeded case of the fault suite (bench/chaos.ts, `npm run chaos` runs the long one): a cluster
 * hub under orders and viewers while a web process, the worker, FerretDB and Redis are SIGKILLed in turn.
 */
import { expect } from 'chai';
import { runChaos } from '../../bench/chaos.ts';

describe('fault suite, short seeded case (SIGKILL web, worker, FerretDB, Redis under load)', function () {
  this.timeout(300_000);

  it('no acknowledged order is lost, nothing is oversold, no cap is exceeded, each submission is assessed once, every change is audited and the chain verifies', async () => {
    // One claim filer with large claims, so the cap is reached within the short run.
    const report = await runChaos({ seed: 11, seconds: 24, stock: 150, buyers: 6, viewers: 2, claimers: 1, claimItemFen: 5_000_000, log: () => undefined });
    expect(report.kills).to.have.length(4);
    expect(report.acknowledged, 'orders were acknowledged during the run').to.be.greaterThan(0);
    expect(report.acknowledgedLost, JSON.stringify(report)).to.equal(0);
    expect(report.oversold, JSON.stringify(report)).to.equal(0);
    // The counter agrees with the database's truth once the queue is drained.
    expect(report.counterAfter).to.equal(report.stockListed - report.unitsSold);
    expect(report.ordersWithoutAuditEvent, JSON.stringify(report)).to.equal(0);
    expect(report.claims.assessed, JSON.stringify(report.claims)).to.be.greaterThan(0);
    expect(report.capsExceeded, JSON.stringify(report.capChecks)).to.equal(0);
    expect(report.assessmentsNotExactlyOnce, JSON.stringify(report)).to.equal(0);
    expect(report.claimStateChangesWithoutAuditEvent, JSON.stringify(report)).to.equal(0);
    expect(report.auditChainOk, report.auditChain).to.equal(true);
  });
});

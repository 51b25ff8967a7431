import { expect } from 'chai';
import { canonicalJson, ChainVerifier, GENESIS_HASH, hashEvent, type ChainedEventBody } from './auditChain.ts';

function chain(n: number) {
  const events: (ChainedEventBody & { hash: string })[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq += 1) {
    const body: ChainedEventBody = {
      seq,
      at: new Date(Date.UTC(2020, 0, seq)).toISOString(),
      actor: { id: 'u1', username: 'admin', role: 'bureau' },
      action: 'claim.approve',
      target: { type: 'claim', id: `c${seq}` },
      before: { approvedFen: null },
      after: { approvedFen: seq * 100 },
      prevHash,
    };
    const hash = hashEvent(body);
    events.push({ ...body, hash });
    prevHash = hash;
  }
  return events;
}

function verify(events: (ChainedEventBody & { hash: string })[]) {
  const verifier = new ChainVerifier();
  for (const e of events) {
    const broken = verifier.check(e);
    if (broken) return broken;
  }
  return null;
}

describe('audit hash chain (pure)', () => {
  it('canonical JSON does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).to.equal(
      canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
  });

  it('an intact chain verifies', () => {
    expect(verify(chain(20))).to.equal(null);
  });

  it('finds the first altered, removed or reordered event', () => {
    const altered = chain(10);
    (altered[4]!.after as { approvedFen: number }).approvedFen = 1;
    expect(verify(altered)).to.deep.include({ seq: 5 });

    const removed = chain(10);
    removed.splice(6, 1);
    expect(verify(removed)?.seq).to.equal(8);

    const relinked = chain(10);
    relinked[3] = { ...relinked[3]!, prevHash: GENESIS_HASH };
    expect(verify(relinked)).to.deep.include({ seq: 4 });
  });
});

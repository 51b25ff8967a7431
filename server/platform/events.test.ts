import { expect } from 'chai';
import { HubEventBus } from './events.ts';

/** Captures what the bus logs, and resolves once `count` errors were logged (no timing guesses). */
function capture(count: number) {
  const lines: { obj: Record<string, unknown>; msg: string }[] = [];
  let done: () => void = () => undefined;
  const logged = new Promise<void>((resolve) => (done = resolve));
  return {
    lines,
    logged,
    log: {
      error(obj: object, msg: string) {
        lines.push({ obj: obj as Record<string, unknown>, msg });
        if (lines.length === count) done();
      },
    },
  };
}

describe('hub events: a failing handler', () => {
  it('is logged at error level with the event and the handler, counted, and never reaches the producer', async () => {
    const sink = capture(2);
    const bus = new HubEventBus(sink.log);
    const seen: string[] = [];
    bus.on('household.registered', function reassessHousehold() {
      throw new Error('queue down');
    });
    bus.on('household.registered', async () => {
      throw new Error('counter update failed');
    });
    bus.on('household.registered', ({ registryNo }) => {
      seen.push(registryNo);
    });
    expect(() => bus.emit('household.registered', { registryNo: 'HH-1' })).to.not.throw();
    await sink.logged;
    expect(seen, 'the handlers after a failing one still run').to.deep.equal(['HH-1']);
    expect(sink.lines.map((l) => l.msg)).to.deep.equal(['event handler failed', 'event handler failed']);
    expect(sink.lines.map((l) => l.obj.event)).to.deep.equal(['household.registered', 'household.registered']);
    expect(sink.lines[0]!.obj.handler).to.equal('reassessHousehold');
    // An anonymous handler is named by where it subscribed.
    expect(sink.lines[1]!.obj.handler).to.match(/events\.test\.ts:\d+$/);
    expect(String(sink.lines[1]!.obj.err)).to.include('counter update failed');
    expect(bus.handlerErrors()).to.deep.equal({ 'household.registered': 2 });
    expect(bus.handlerErrorTotal()).to.equal(2);
  });

  it('counts nothing while handlers succeed, and an unsubscribed handler runs no more', async () => {
    const sink = capture(1);
    const bus = new HubEventBus(sink.log);
    const off = bus.on('session.viewers', () => {
      throw new Error('boom');
    });
    off();
    let ran = 0;
    bus.on('session.viewers', () => {
      ran += 1;
    });
    bus.emit('session.viewers', { sessionId: 's', viewers: 1 });
    expect(ran).to.equal(1);
    expect(bus.handlerErrorTotal()).to.equal(0);
    expect(sink.lines).to.have.length(0);
  });
});

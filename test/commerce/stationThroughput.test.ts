import { expect } from 'chai';
import { api, allPersisted, commerceWorld, expectStatus, getLiveHub, placeOrder, signupBuyer } from './commerceSupport.ts';
import { beijingMonth } from '../../server/commerce/fulfilment/stationMonthly.ts';
import { waitFor } from '../openness/scriptedDay.ts';

type World = Awaited<ReturnType<typeof commerceWorld>>;

describe('station throughput: parcels per month in the claim view and on the big screen', function () {
  this.timeout(120_000);
  let w: World;
  let buyer: Awaited<ReturnType<typeof signupBuyer>>;
  const seller = () => w.cast.enterpriseUser.token;
  const station = () => w.cast.stationUser.token;

  before(async () => {
    await getLiveHub();
    w = await commerceWorld(20, 5000);
    buyer = await signupBuyer();
  });

  const screenRow = async () => {
    const overview = await expectStatus(await api('GET', '/api/v1/public/overview'), 200);
    expect(overview.stations.month).to.equal(beijingMonth(new Date()));
    return overview.stations.items.find((s: { stationOrgId: string }) => s.stationOrgId === w.cast.station.id) as {
      parcels: number;
      pickedUp: number;
      name: string;
    };
  };

  it('a station with no parcel yet: listed with zeros, and its throughput is empty', async () => {
    expect(await screenRow()).to.include({ parcels: 0, pickedUp: 0 });
    const tp = await expectStatus(await api('GET', `/api/v1/stations/${w.cast.station.id}/throughput`), 200);
    expect(tp).to.include({ totalParcels: 0 });
    expect(tp.months).to.deep.equal([]);
  });

  it('arrivals and pick-ups count once each (a refund declined back to "arrived" is no second parcel); screen and claim view agree', async () => {
    const orders = [];
    for (let i = 0; i < 3; i += 1) {
      const o = await expectStatus(
        await placeOrder(buyer.token, {
          productId: w.product.id,
          quantity: 1,
          delivery: { mode: 'station', stationOrgId: w.cast.station.id },
          payment: 'cod',
        }),
        201,
      );
      await expectStatus(await api('POST', `/api/v1/orders/${o.id}/ship`, { token: seller(), body: { viaStation: true } }), 200);
      await expectStatus(await api('POST', `/api/v1/orders/${o.id}/arrive`, { token: station() }), 200);
      orders.push(o);
    }
    // One is picked up; one goes through a declined refund request and back to "arrived".
    await expectStatus(
      await api('POST', `/api/v1/orders/${orders[0].id}/pickup`, { token: station(), body: { pickupCode: orders[0].pickupCode } }),
      200,
    );
    await expectStatus(
      await api('POST', `/api/v1/orders/${orders[1].id}/refund-request`, { token: buyer.token, body: { reason: '想换颜色' } }),
      200,
    );
    expect(
      (
        await expectStatus(
          await api('POST', `/api/v1/orders/${orders[1].id}/refund-reject`, { token: seller(), body: { reason: '颜色不可换' } }),
          200,
        )
      ).status,
    ).to.equal('arrived');
    await expectStatus(
      await api('POST', `/api/v1/orders/${orders[2].id}/pickup`, { token: station(), body: { pickupCode: orders[2].pickupCode } }),
      200,
    );
    await expectStatus(
      await api('POST', `/api/v1/orders/${orders[2].id}/refund-request`, { token: buyer.token, body: { reason: '有破损' } }),
      200,
    );
    await expectStatus(
      await api('POST', `/api/v1/orders/${orders[2].id}/refund-reject`, { token: seller(), body: { reason: '请提供破损照片' } }),
      200,
    );
    await allPersisted();
    const row = await waitFor('the screen to count the parcels', async () => {
      const r = await screenRow();
      return r.parcels === 3 && r.pickedUp === 2 ? r : null;
    });
    expect(row).to.include({ parcels: 3, pickedUp: 2 });
    const tp = await expectStatus(await api('GET', `/api/v1/stations/${w.cast.station.id}/throughput`), 200);
    const month = tp.months.find((m: { month: string }) => m.month === beijingMonth(new Date()));
    expect(month).to.deep.equal({ month: beijingMonth(new Date()), parcels: 3, pickedUp: 2 });
  });
});

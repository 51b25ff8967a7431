import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { api, getTestHub } from '../support/testHub.ts';
import { bureauToken, createCast, createHousehold, createOrg, createUser, unique } from '../support/factories.ts';
import { ClaimModel } from '../../server/claims/claim.model.ts';
import { AuditEventModel } from '../../server/platform/audit/auditEvent.model.ts';
import {
  fileAndSubmit,
  filedBase,
  invoice,
  item,
  startTestWorkers,
  stopTestWorkers,
  uniquePdf,
  uniquePng,
  upload,
  waitForStatus,
} from './helpers.ts';

type Cast = Awaited<ReturnType<typeof createCast>>;

async function approve(token: string, id: string, body: Record<string, unknown> = {}) {
  return api('POST', `/api/v1/claims/${id}/review`, { token, body: { decision: 'approve', note: '同意', ...body } });
}

describe('claims workflow over HTTP (real FerretDB, Redis and tally worker)', function () {
  this.timeout(120_000);
  let cast: Cast;
  before(async () => {
    await startTestWorkers();
    cast = await createCast();
  });
  after(stopTestWorkers);

  describe('livestream_base', () => {
    it('files, assesses with a trace, approves, pays and discloses; entitlements add up', async () => {
      const baseId = await filedBase(cast.associationUser.token);
      const claim = await fileAndSubmit(cast.associationUser.token, {
        program: 'livestream_base',
        baseId,
        items: [item('equipment', 33333), item('advertising', 1000, '宣传'), item('salary', 5000, '工资')],
      });
      expect(claim).to.include({ status: 'assessed', claimedFen: 39333, eligibleFen: 34333, proposedFen: 34333, approvedFen: null });
      expect(claim.items.map((i: any) => i.eligible)).to.deep.equal([true, true, false]);
      expect(claim.items[2].reason).to.match(/负面清单/);
      expect(claim.trace.some((l: string) => l.includes('100% × ¥343.33 = ¥343.33 (向下取整到分)'))).to.equal(true);
      expect(claim.history.map((h: any) => h.status)).to.deep.equal(['draft', 'submitted', 'assessed']);

      const approved = await approve(cast.bureau.token, claim.id, { approvedFen: 30000 });
      expect(approved.status).to.equal(200);
      expect(approved.body).to.include({ status: 'approved', approvedFen: 30000 });

      const ent = await api('GET', `/api/v1/entitlements?orgId=${cast.association.id}&program=livestream_base`, {
        token: cast.associationUser.token,
      });
      expect(ent.body).to.deep.equal({
        program: 'livestream_base',
        orgId: cast.association.id,
        capFen: 20_000_000,
        approvedFen: 30000,
        paidFen: 0,
        remainingFen: 19_970_000,
      });

      const paid = await api('POST', `/api/v1/claims/${claim.id}/payments`, {
        token: cast.bureau.token,
        body: { voucherNo: unique('PZ-'), paidAt: '2020-07-01T10:00:00+08:00' },
      });
      expect(paid.status).to.equal(200);
      expect(paid.body).to.include({ status: 'paid', paidFen: 30000 });
      const ent2 = await api('GET', `/api/v1/entitlements?orgId=${cast.association.id}&program=livestream_base`, {
        token: cast.bureau.token,
      });
      expect(ent2.body).to.include({ approvedFen: 30000, paidFen: 30000, remainingFen: 19_970_000 });

      const disclosures = await api('GET', '/api/v1/public/disclosures?limit=500');
      expect(disclosures.status).to.equal(200);
      const row = disclosures.body.items.find((d: any) => d.org === cast.association.name);
      expect(row).to.include({ program: 'livestream_base', approvedFen: 30000, paid: true });
      expect(row.approvedAt).to.be.a('string');

      const audits = await AuditEventModel.find({ 'target.id': claim.id }).sort({ seq: 1 }).lean();
      expect(audits.map((a) => a.action)).to.include.members([
        'claim.create',
        'claim.submit',
        'claim.assess',
        'claim.approve',
        'claim.pay',
      ]);
    });

    it('proposes nothing for a base that is not filed', async () => {
      const base = await api('POST', '/api/v1/bases', { token: cast.associationUser.token, body: { name: unique('未备案') } });
      const claim = await fileAndSubmit(cast.associationUser.token, {
        program: 'livestream_base',
        baseId: base.body.id,
        items: [item('equipment', 1000)],
      });
      expect(claim.proposedFen).to.equal(0);
      expect(claim.items[0].reason).to.match(/未备案/);
      const r = await approve(cast.bureau.token, claim.id);
      expect(r.status).to.equal(409);
    });
  });

  describe('poverty_procurement', () => {
    it('checks the registry on the purchase date; re-assesses when the household is registered', async () => {
      const registered = await createHousehold({ registeredFrom: '2019-01-01' });
      const lateRegistryNo = unique('HH-LATE-');
      const p1 = await api('POST', '/api/v1/procurements', {
        token: cast.enterpriseUser.token,
        body: {
          householdRegistryNo: registered.registryNo,
          description: '高山茶',
          amountFen: 33333,
          purchasedAt: '2020-05-01',
          invoiceNo: unique('P'),
        },
      });
      expect(p1.status).to.equal(201);
      const p2 = await api('POST', '/api/v1/procurements', {
        token: cast.enterpriseUser.token,
        body: {
          householdRegistryNo: lateRegistryNo,
          description: '淮山',
          amountFen: 50000,
          purchasedAt: '2020-05-02',
          invoiceNo: unique('P'),
        },
      });
      const claim = await fileAndSubmit(
        cast.enterpriseUser.token,
        { program: 'poverty_procurement', procurementIds: [p1.body.id, p2.body.id] },
        { evidence: false },
      );
      expect(claim.items.map((i: any) => i.eligible)).to.deep.equal([true, false]);
      expect(claim.proposedFen).to.equal(6666);
      expect(claim.trace.some((l: string) => l.includes('20% × ¥333.33 = ¥66.66 (向下取整到分)'))).to.equal(true);

      // The household joins the registry (from before the purchase): the pending claim is re-assessed by a job.
      await createHousehold({ registryNo: lateRegistryNo, registeredFrom: '2020-01-01' });
      const deadline = Date.now() + 15_000;
      let latest: any;
      do {
        await new Promise((r) => setTimeout(r, 100));
        latest = (await api('GET', `/api/v1/claims/${claim.id}`, { token: cast.enterpriseUser.token })).body;
      } while (latest.proposedFen !== 16666 && Date.now() < deadline);
      expect(latest.proposedFen).to.equal(16666); // 20% × 833.33 = 166.666 → 166.66
      expect(latest.history.at(-1)).to.include({ status: 'assessed', note: 're-assessed (household)' });

      // The same purchase cannot be claimed again.
      const again = await fileAndSubmit(
        cast.enterpriseUser.token,
        { program: 'poverty_procurement', procurementIds: [p1.body.id] },
        { evidence: false },
      );
      expect(again.items[0].eligible).to.equal(false);
      expect(again.items[0].duplicateOf).to.contain(claim.id);
      expect(again.hasDuplicates).to.equal(true);
    });

    it("refuses another enterprise's procurement (403) and writes nothing", async () => {
      const other = await createUser('enterprise', (await createOrg('enterprise')).id);
      const h = await createHousehold();
      const p = await api('POST', '/api/v1/procurements', {
        token: other.token,
        body: { householdRegistryNo: h.registryNo, description: '茶', amountFen: 100, purchasedAt: '2020-05-01', invoiceNo: unique('P') },
      });
      const before = await ClaimModel.countDocuments();
      const r = await api('POST', '/api/v1/claims', {
        token: cast.enterpriseUser.token,
        body: { program: 'poverty_procurement', procurementIds: [p.body.id] },
      });
      expect(r.status).to.equal(403);
      expect(await ClaimModel.countDocuments()).to.equal(before);
    });
  });

  describe('brand_building, warehouse_rent and service_station', () => {
    it('brand building pays 30% rounded down and flags a reused invoice and a reused file', async () => {
      const shared = invoice();
      const first = await fileAndSubmit(cast.enterpriseUser.token, {
        program: 'brand_building',
        items: [{ category: 'online_shop', description: '网店', amountFen: 10001, ...shared }],
      });
      expect(first.proposedFen).to.equal(3000);
      const second = await api('POST', '/api/v1/claims', {
        token: cast.enterpriseUser.token,
        body: {
          program: 'brand_building',
          items: [
            { category: 'brand_design', description: '设计', amountFen: 5000, ...shared },
            item('cold_chain_packaging', 7000, '冷链'),
          ],
        },
      });
      const png = uniquePng();
      await upload(cast.enterpriseUser.token, second.body.id, second.body.items[0].id, uniquePng());
      await upload(cast.enterpriseUser.token, second.body.id, second.body.items[1].id, png);
      // The same file behind a third claim's item is a duplicate.
      await api('POST', `/api/v1/claims/${second.body.id}/submit`, { token: cast.enterpriseUser.token });
      const assessed = await waitForStatus(cast.enterpriseUser.token, second.body.id);
      expect(assessed.items.map((i: any) => i.eligible)).to.deep.equal([false, true]);
      expect(assessed.items[0].reason).to.match(/发票已被申报.*invoice already claimed/);
      expect(assessed.items[0].duplicateOf).to.contain(first.id);
      const third = await api('POST', '/api/v1/claims', {
        token: cast.enterpriseUser.token,
        body: { program: 'brand_building', items: [item('online_shop', 100)] },
      });
      await upload(cast.enterpriseUser.token, third.body.id, third.body.items[0].id, png);
      await api('POST', `/api/v1/claims/${third.body.id}/submit`, { token: cast.enterpriseUser.token });
      const thirdAssessed = await waitForStatus(cast.enterpriseUser.token, third.body.id);
      expect(thirdAssessed.items[0].reason).to.match(/凭证文件已被使用/);
    });

    it('warehouse rent pays 50% in a national demonstration park and nothing elsewhere', async () => {
      const bureau = await bureauToken();
      const demo = await api('POST', '/api/v1/parks', { token: bureau, body: { name: unique('示范园'), nationalDemoBase: true } });
      const plain = await api('POST', '/api/v1/parks', { token: bureau, body: { name: unique('普通园'), nationalDemoBase: false } });
      const ok = await fileAndSubmit(cast.enterpriseUser.token, {
        program: 'warehouse_rent',
        parkId: demo.body.id,
        items: [item('rent', 12345, '租金')],
      });
      expect(ok.proposedFen).to.equal(6172);
      const no = await fileAndSubmit(cast.enterpriseUser.token, {
        program: 'warehouse_rent',
        parkId: plain.body.id,
        items: [item('rent', 12345, '租金')],
      });
      expect(no.proposedFen).to.equal(0);
      const ent = await api('GET', `/api/v1/entitlements?orgId=${cast.enterprise.id}&program=warehouse_rent`, { token: bureau });
      expect(ent.body).to.include({ capFen: null, remainingFen: null });
    });

    it('service stations: a fixed award, one station per township and one point per village', async () => {
      const township = '葛坑镇';
      const station1 = await createUser('enterprise', (await createOrg('station')).id);
      const station2 = await createUser('enterprise', (await createOrg('station')).id);
      const a = await fileAndSubmit(station1.token, { program: 'service_station', level: 'township', township }, { evidence: false });
      const b = await fileAndSubmit(station2.token, { program: 'service_station', level: 'township', township }, { evidence: false });
      const village = unique('村');
      const c = await fileAndSubmit(
        station2.token,
        { program: 'service_station', level: 'village', township, village },
        { evidence: false },
      );
      const proposals = [a.proposedFen, b.proposedFen];
      expect(proposals.sort()).to.deep.equal([0, 1_000_000]); // whichever was assessed first holds the township
      expect(c.proposedFen).to.equal(500_000);
      // An enterprise that is not a station may not claim (403).
      const r = await api('POST', '/api/v1/claims', {
        token: cast.enterpriseUser.token,
        body: { program: 'service_station', level: 'village', township, village: '某村' },
      });
      expect(r.status).to.equal(403);
      // A rejected station claim releases its place.
      const holder = a.proposedFen ? a : b;
      const rej = await api('POST', `/api/v1/claims/${holder.id}/review`, {
        token: cast.bureau.token,
        body: { decision: 'reject', note: '验收不合格' },
      });
      expect(rej.body.status).to.equal('rejected');
      const station3 = await createUser('enterprise', (await createOrg('station')).id);
      const d = await fileAndSubmit(station3.token, { program: 'service_station', level: 'township', township }, { evidence: false });
      expect(d.proposedFen).to.equal(1_000_000);
    });
  });

  describe('returned claims and separation of duties', () => {
    it('a returned claim is corrected and resubmitted with its history kept', async () => {
      const claim = await fileAndSubmit(cast.enterpriseUser.token, {
        program: 'brand_building',
        items: [item('online_shop', 1000), item('salary', 900)],
      });
      const filerReview = await api('POST', `/api/v1/claims/${claim.id}/review`, {
        token: cast.enterpriseUser.token,
        body: { decision: 'approve', note: 'x' },
      });
      expect(filerReview.status).to.equal(403);
      const ret = await api('POST', `/api/v1/claims/${claim.id}/review`, {
        token: cast.bureau.token,
        body: { decision: 'return', note: '请删除工资项' },
      });
      expect(ret.body).to.include({ status: 'returned', reviewNote: '请删除工资项' });
      const edited = await api('PUT', `/api/v1/claims/${claim.id}`, {
        token: cast.enterpriseUser.token,
        body: {
          program: 'brand_building',
          items: [
            {
              id: claim.items[0].id,
              category: 'online_shop',
              description: '网店',
              amountFen: 2000,
              invoiceCode: claim.items[0].invoiceCode,
              invoiceNo: claim.items[0].invoiceNo,
            },
          ],
        },
      });
      expect(edited.status).to.equal(200);
      expect(edited.body.items).to.have.length(1);
      expect(edited.body.items[0].evidence).to.have.length(1); // kept with the item
      expect((await api('POST', `/api/v1/claims/${claim.id}/submit`, { token: cast.enterpriseUser.token })).status).to.equal(202);
      const again = await waitForStatus(cast.enterpriseUser.token, claim.id);
      expect(again.proposedFen).to.equal(600);
      expect(again.revision).to.equal(2);
      expect(again.history.map((h: any) => h.status)).to.deep.equal([
        'draft',
        'submitted',
        'assessed',
        'returned',
        'returned',
        'submitted',
        'assessed',
      ]);
    });

    it('the auditor reads everything and changes nothing; other organisations get 403', async () => {
      const claim = await fileAndSubmit(cast.enterpriseUser.token, { program: 'brand_building', items: [item('online_shop', 1000)] });
      expect((await api('GET', `/api/v1/claims/${claim.id}`, { token: cast.auditor.token })).status).to.equal(200);
      expect(
        (await api('POST', `/api/v1/claims/${claim.id}/review`, { token: cast.auditor.token, body: { decision: 'approve', note: 'x' } }))
          .status,
      ).to.equal(403);
      expect((await api('GET', `/api/v1/claims/${claim.id}`, { token: cast.associationUser.token })).status).to.equal(403);
      const otherEnterprise = await createUser('enterprise', (await createOrg('enterprise')).id);
      expect((await api('GET', `/api/v1/claims/${claim.id}`, { token: otherEnterprise.token })).status).to.equal(403);
      expect((await api('POST', `/api/v1/claims/${claim.id}/submit`, { token: otherEnterprise.token })).status).to.equal(403);
      expect(
        (await api('GET', `/api/v1/entitlements?orgId=${cast.enterprise.id}&program=brand_building`, { token: otherEnterprise.token }))
          .status,
      ).to.equal(403);
      const list = await api('GET', '/api/v1/claims?status=assessed', { token: otherEnterprise.token });
      expect(list.body.items.every((c: any) => c.orgId === otherEnterprise.orgId)).to.equal(true);
    });

    it('illegal transitions are 409 and change nothing', async () => {
      const draft = await api('POST', '/api/v1/claims', {
        token: cast.enterpriseUser.token,
        body: { program: 'brand_building', items: [item('online_shop', 1000)] },
      });
      const id = draft.body.id;
      expect((await approve(cast.bureau.token, id)).status).to.equal(409);
      expect(
        (await api('POST', `/api/v1/claims/${id}/payments`, { token: cast.bureau.token, body: { voucherNo: 'V1', paidAt: '2020-01-01' } }))
          .status,
      ).to.equal(409);
      await upload(cast.enterpriseUser.token, id, draft.body.items[0].id, uniquePdf(), 'invoice.pdf', 'application/pdf');
      await api('POST', `/api/v1/claims/${id}/submit`, { token: cast.enterpriseUser.token });
      const assessed = await waitForStatus(cast.enterpriseUser.token, id);
      expect((await api('POST', `/api/v1/claims/${id}/submit`, { token: cast.enterpriseUser.token })).status).to.equal(409);
      expect(
        (
          await api('PUT', `/api/v1/claims/${id}`, {
            token: cast.enterpriseUser.token,
            body: { program: 'brand_building', items: [item('online_shop', 5)] },
          })
        ).status,
      ).to.equal(409);
      expect((await approve(cast.bureau.token, id, { approvedFen: assessed.proposedFen + 1 })).status).to.equal(400);
      expect((await approve(cast.bureau.token, id)).status).to.equal(200);
      expect((await approve(cast.bureau.token, id)).status).to.equal(409);
      const after = (await api('GET', `/api/v1/claims/${id}`, { token: cast.bureau.token })).body;
      expect(after).to.include({ status: 'approved', approvedFen: 300 });
    });
  });

  describe('bad input', () => {
    const amounts: [string, unknown][] = [
      ['zero', 0],
      ['negative', -1],
      ['fractional', 1.5],
      ['string', '100'],
      ['above 10^12', 1e12 + 1],
      ['NaN-like null', null],
    ];
    for (const [name, amountFen] of amounts) {
      it(`refuses a ${name} amount with 400 naming the field, writing nothing`, async () => {
        const before = await ClaimModel.countDocuments();
        const r = await api('POST', '/api/v1/claims', {
          token: cast.enterpriseUser.token,
          body: { program: 'brand_building', items: [{ ...item('online_shop', 1), amountFen }] },
        });
        expect(r.status).to.equal(400);
        expect(r.body.error.message).to.contain('items.0.amountFen');
        expect(await ClaimModel.countDocuments()).to.equal(before);
      });
    }
    it('refuses unknown programmes and categories, and bad procurement amounts', async () => {
      const p = await api('POST', '/api/v1/claims', { token: cast.enterpriseUser.token, body: { program: 'space_program', items: [] } });
      expect(p.status).to.equal(400);
      expect(p.body.error.message).to.contain('program');
      const c = await api('POST', '/api/v1/claims', {
        token: cast.enterpriseUser.token,
        body: { program: 'brand_building', items: [item('yachts', 100)] },
      });
      expect(c.status).to.equal(400);
      expect(c.body.error.message).to.contain('items.0.category');
      const pr = await api('POST', '/api/v1/procurements', {
        token: cast.enterpriseUser.token,
        body: { householdRegistryNo: 'H1', description: 'x', amountFen: 0, purchasedAt: '2020-01-01', invoiceNo: '1' },
      });
      expect(pr.status).to.equal(400);
      expect(pr.body.error.message).to.contain('amountFen');
    });
    it('refuses wrong file types (by content) and oversize files', async () => {
      const draft = await api('POST', '/api/v1/claims', {
        token: cast.enterpriseUser.token,
        body: { program: 'brand_building', items: [item('online_shop', 100)] },
      });
      const itemId = draft.body.items[0].id;
      const fake = await upload(
        cast.enterpriseUser.token,
        draft.body.id,
        itemId,
        Buffer.from('<html>not a png</html>'),
        'invoice.png',
        'image/png',
      );
      expect(fake.status).to.equal(415);
      expect(fake.body.error.message).to.contain('file');
      const big = Buffer.concat([uniquePdf(), Buffer.alloc(10 * 1024 * 1024)]);
      const over = await upload(cast.enterpriseUser.token, draft.body.id, itemId, big, 'big.pdf', 'application/pdf');
      expect(over.status).to.equal(413);
      const stranger = await createUser('enterprise', (await createOrg('enterprise')).id);
      expect((await upload(stranger.token, draft.body.id, itemId, uniquePng())).status).to.equal(403);
      const after = (await api('GET', `/api/v1/claims/${draft.body.id}`, { token: cast.enterpriseUser.token })).body;
      expect(after.items[0].evidence).to.have.length(0);
      // The accepted file is served back for preview, byte for byte.
      const png = uniquePng();
      const ok = await upload(cast.enterpriseUser.token, draft.body.id, itemId, png);
      expect(ok.status).to.equal(201);
      const ev = ok.body.items[0].evidence[0];
      const { baseUrl } = await getTestHub();
      const file = await fetch(`${baseUrl}/api/v1/claims/${draft.body.id}/items/${itemId}/evidence/${ev.fileId}`, {
        headers: { authorization: `Bearer ${cast.bureau.token}` },
      });
      expect(file.headers.get('content-type')).to.equal('image/png');
      expect(Buffer.from(await file.arrayBuffer()).equals(png)).to.equal(true);
    });
  });

  describe('exports, failed jobs and Bull Board', () => {
    it('exports claims and disbursements as CSV and XLSX for the bureau only', async () => {
      const csv = await api('GET', '/api/v1/exports/claims?format=csv', { token: cast.bureau.token });
      expect(csv.status).to.equal(200);
      expect(csv.headers.get('content-type')).to.contain('text/csv');
      // Chinese headers, amounts in yuan, Beijing time; lang=en gives the English variant.
      const header = String(csv.body).split('\r\n')[0]!;
      expect(header).to.contain('申报编号').and.contain('申报金额（元）').and.contain('提交时间（北京时间）');
      expect(String(csv.body)).to.match(/,\d+\.\d{2},/);
      expect(String(csv.body)).to.not.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
      const en = await api('GET', '/api/v1/exports/claims?format=csv&lang=en', { token: cast.bureau.token });
      expect(String(en.body).split('\r\n')[0])
        .to.contain('Claimed (yuan)')
        .and.not.match(/[\u4e00-\u9fff]/);
      const { baseUrl } = await getTestHub();
      const xlsx = await fetch(`${baseUrl}/api/v1/exports/disbursements?format=xlsx`, {
        headers: { authorization: `Bearer ${cast.auditor.token}` },
      });
      expect(xlsx.status).to.equal(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await xlsx.arrayBuffer());
      expect(book.getWorksheet('disbursements')!.rowCount).to.be.greaterThan(1);
      expect((await api('GET', '/api/v1/exports/claims', { token: cast.enterpriseUser.token })).status).to.equal(403);
    });

    it("mounts Bull Board for bureau users only (bearer, or a one-time code → the board's own cookie)", async () => {
      const { baseUrl } = await getTestHub();
      expect((await fetch(`${baseUrl}/admin/queues`)).status).to.equal(401);
      expect((await fetch(`${baseUrl}/admin/queues`, { headers: { authorization: `Bearer ${cast.auditor.token}` } })).status).to.equal(403);
      const ok = await fetch(`${baseUrl}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${cast.bureau.token}` } });
      expect(ok.status).to.equal(200);
      expect(JSON.stringify(await ok.json())).to.contain('claims-assess');
      expect((await fetch(`${baseUrl}/admin/queues?token=${cast.bureau.token}`, { redirect: 'manual' })).status).to.equal(401);
      const { url } = (await api('POST', '/api/v1/admin/queues/code', { token: cast.bureau.token })).body;
      const viaQuery = await fetch(`${baseUrl}${url}`, { redirect: 'manual' });
      expect(viaQuery.status).to.equal(303);
      const cookie = viaQuery.headers.get('set-cookie')!;
      expect(cookie).to.match(/HttpOnly/i);
      const withCookie = await fetch(`${baseUrl}/admin/queues`, { headers: { cookie: cookie.split(';')[0]! } });
      expect(withCookie.status).to.equal(200);
    });
  });

  describe('budget use', () => {
    it('reports the four fund categories with approved and paid amounts', async () => {
      const r = await api('GET', '/api/v1/budget', { token: cast.auditor.token });
      expect(r.body.categories.map((c: any) => c.shareBasisPoints)).to.deep.equal([7000, 1500, 1350, 150]);
      const upward = r.body.categories.find((c: any) => c.code === 'products_upward');
      const sumApproved = r.body.programs.reduce((s: number, p: any) => s + p.approvedFen, 0);
      expect(upward.approvedFen).to.equal(sumApproved);
      expect(upward.approvedFen).to.be.greaterThan(0);
      expect(upward.paidFen).to.be.greaterThan(0);
    });
  });
});

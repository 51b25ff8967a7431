import type { Response } from 'express';
import ExcelJS from 'exceljs';
import { ClaimModel } from './claim.model.ts';
import { DisbursementModel } from './entitlements/entitlement.model.ts';
import { orgNames } from '../registry/orgs/orgReads.ts';
import { fenToYuanPlain } from '../../config/money.ts';
import { toCsv } from '../platform/csv.ts';
import { PROGRAM_NAMES } from '../../config/claimTexts.ts';

type Row = Record<string, string | number | null>;

async function sendTable(
  res: Response,
  format: 'csv' | 'xlsx',
  name: string,
  columns: { key: string; header: string; money?: boolean }[],
  rows: Row[],
) {
  const stamp = new Date().toISOString().slice(0, 10);
  if (format === 'csv') {
    const csv = toCsv(
      columns.map((c) => c.header),
      rows.map((r) => columns.map((c) => r[c.key] ?? null)),
    );
    res
      .status(200)
      .set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}-${stamp}.csv"` });
    res.send(csv);
    return;
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(name);
  sheet.columns = columns.map((c) => ({
    header: c.header,
    key: c.key,
    width: Math.max(12, c.header.length * 2 + 4),
    ...(c.money ? { style: { numFmt: '#,##0.00' } } : {}),
  }));
  // Yuan strings become numbers in the sheet so sums work; the 0.00 format shows them to the fen.
  for (const r of rows)
    sheet.addRow(
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, columns.find((c) => c.key === k)?.money && typeof v === 'string' ? Number(v) : v]),
      ),
    );
  sheet.getRow(1).font = { bold: true };
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  res.status(200).set({
    'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'Content-Disposition': `attachment; filename="${name}-${stamp}.xlsx"`,
  });
  res.send(buffer);
}

export type ExportLang = 'zh' | 'en';

const STATUS_NAMES: Record<string, [string, string]> = {
  draft: ['草稿', 'Draft'],
  submitted: ['已提交', 'Submitted'],
  assessed: ['已核算', 'Assessed'],
  approved: ['已核准', 'Approved'],
  returned: ['已退回', 'Returned'],
  rejected: ['不予支持', 'Rejected'],
  paid: ['已拨付', 'Paid'],
};

/** Beijing wall-clock time, as the county reads it: "2020-08-01 08:00:00" (no zone suffix in the Chinese file). */
function beijing(d: Date | null | undefined, lang: ExportLang): string | null {
  if (!d) return null;
  const text = new Date(d.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
  return lang === 'en' ? `${text} (UTC+8)` : text;
}

/** Yuan with two decimals: a string in CSV (exact), a number with a 0.00 format in XLSX (so sums work). */
const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? null : fenToYuanPlain(fen));

function pick(lang: ExportLang, names: [string, string] | undefined, fallback: string): string {
  return names ? names[lang === 'zh' ? 0 : 1] : fallback;
}

export async function exportClaims(res: Response, format: 'csv' | 'xlsx', lang: ExportLang = 'zh') {
  const claims = await ClaimModel.find({}, { trace: 0, traceKeys: 0, items: 0, history: 0 })
    .sort({ createdAt: 1 })
    .populate<{ orgId: { _id: unknown; name: string } | null }>('orgId', 'name')
    .lean();
  const rows: Row[] = claims.map((c) => ({
    id: String(c._id),
    org: c.orgId?.name ?? '',
    orgId: c.orgId ? String(c.orgId._id) : '',
    program: pick(lang, PROGRAM_NAMES[c.program], c.program),
    status: pick(lang, STATUS_NAMES[c.status], c.status),
    claimed: yuan(c.claimedFen ?? 0),
    eligible: yuan(c.eligibleFen),
    proposed: yuan(c.proposedFen),
    approved: yuan(c.approvedFen),
    paid: yuan(c.paidFen),
    submittedAt: beijing(c.submittedAt, lang),
    reviewedAt: beijing(c.reviewedAt, lang),
    voucherNo: c.payment?.voucherNo ?? null,
    policyVersion: c.policyVersion,
  }));
  const h = (zh: string, en: string) => (lang === 'zh' ? zh : en);
  await sendTable(
    res,
    format,
    'claims',
    [
      { key: 'id', header: h('申报编号', 'Claim id') },
      { key: 'org', header: h('申报单位', 'Organisation') },
      { key: 'orgId', header: h('单位编号', 'Organisation id') },
      { key: 'program', header: h('补助项目', 'Programme') },
      { key: 'status', header: h('状态', 'Status') },
      { key: 'claimed', header: h('申报金额（元）', 'Claimed (yuan)'), money: true },
      { key: 'eligible', header: h('合规金额（元）', 'Eligible (yuan)'), money: true },
      { key: 'proposed', header: h('建议补助（元）', 'Proposed (yuan)'), money: true },
      { key: 'approved', header: h('核准金额（元）', 'Approved (yuan)'), money: true },
      { key: 'paid', header: h('已拨付（元）', 'Paid (yuan)'), money: true },
      { key: 'submittedAt', header: h('提交时间（北京时间）', 'Submitted (Beijing time)') },
      { key: 'reviewedAt', header: h('审核时间（北京时间）', 'Reviewed (Beijing time)') },
      { key: 'voucherNo', header: h('拨付凭证号', 'Voucher no.') },
      { key: 'policyVersion', header: h('政策版本', 'Policy version') },
    ],
    rows,
  );
}

export async function exportDisbursements(res: Response, format: 'csv' | 'xlsx', lang: ExportLang = 'zh') {
  const rows = await DisbursementModel.find().sort({ paidAt: 1 }).lean();
  const orgs = new Map((await orgNames([...new Set(rows.map((r) => String(r.orgId)))])).map((o) => [String(o._id), o.name]));
  const h = (zh: string, en: string) => (lang === 'zh' ? zh : en);
  await sendTable(
    res,
    format,
    'disbursements',
    [
      { key: 'claimId', header: h('申报编号', 'Claim id') },
      { key: 'org', header: h('获补单位', 'Organisation') },
      { key: 'program', header: h('补助项目', 'Programme') },
      { key: 'amount', header: h('拨付金额（元）', 'Amount (yuan)'), money: true },
      { key: 'voucherNo', header: h('拨付凭证号', 'Voucher no.') },
      { key: 'paidAt', header: h('拨付日期（北京时间）', 'Paid on (Beijing time)') },
    ],
    rows.map((r) => ({
      claimId: String(r.claimId),
      org: orgs.get(String(r.orgId)) ?? '',
      program: pick(lang, PROGRAM_NAMES[r.program], r.program),
      amount: yuan(r.amountFen),
      voucherNo: r.voucherNo,
      paidAt: beijing(r.paidAt, lang)?.slice(0, lang === 'zh' ? 10 : undefined) ?? null,
    })),
  );
}

import type { Response } from 'express';
import ExcelJS from 'exceljs';
import { ClaimModel } from './claim.model.ts';
import { DisbursementModel } from './entitlements/entitlement.model.ts';
import { getPolicy } from './policy/policyService.ts';
import { OrgModel } from '../registry/orgs/org.model.ts';

/**
 * Published awards (§六(五)): organisation, programme, amount, date. Nothing about households is
 * published: procurement claims show only the organisation that bought, never the sellers.
 */
export async function publicDisclosures(policyVersion: string, filter: { limit: number; offset: number }) {
  const policy = await getPolicy(policyVersion);
  const names = new Map(policy.programs.map((p) => [p.code, p]));
  const query = { status: { $in: ['approved', 'paid'] } };
  const [rows, total] = await Promise.all([
    ClaimModel.find(query, { orgId: 1, program: 1, approvedFen: 1, reviewedAt: 1, status: 1, payment: 1 })
      .sort({ reviewedAt: -1 }).skip(filter.offset).limit(filter.limit)
      .populate<{ orgId: { name: string } | null }>('orgId', 'name').lean(),
    ClaimModel.countDocuments(query),
  ]);
  return {
    items: rows.map((r) => ({
      org: r.orgId?.name ?? '',
      program: r.program,
      programNameZh: names.get(r.program)?.nameZh ?? r.program,
      programNameEn: names.get(r.program)?.nameEn ?? r.program,
      approvedFen: r.approvedFen ?? 0,
      approvedAt: r.reviewedAt ? r.reviewedAt.toISOString() : null,
      paid: r.status === 'paid',
    })),
    total,
  };
}

type Row = Record<string, string | number | null>;

/** CSV cell: quoted, and a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
function csvCell(value: string | number | null): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== String(value) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function sendTable(res: Response, format: 'csv' | 'xlsx', name: string, columns: { key: string; header: string }[], rows: Row[]) {
  const stamp = new Date().toISOString().slice(0, 10);
  if (format === 'csv') {
    const lines = [columns.map((c) => csvCell(c.header)).join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c.key] ?? null)).join(','))];
    res.status(200).set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}-${stamp}.csv"` });
    // The BOM makes Excel read the Chinese names as UTF-8.
    res.send(`\uFEFF${lines.join('\r\n')}\r\n`);
    return;
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(name);
  sheet.columns = columns.map((c) => ({ header: c.header, key: c.key, width: Math.max(12, c.header.length + 4) }));
  for (const r of rows) sheet.addRow(r);
  sheet.getRow(1).font = { bold: true };
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  res.status(200).set({
    'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'Content-Disposition': `attachment; filename="${name}-${stamp}.xlsx"`,
  });
  res.send(buffer);
}

export async function exportClaims(res: Response, format: 'csv' | 'xlsx') {
  const claims = await ClaimModel.find({}, { trace: 0, items: 0, history: 0 }).sort({ createdAt: 1 }).populate<{ orgId: { _id: unknown; name: string } | null }>('orgId', 'name').lean();
  const rows: Row[] = claims.map((c) => ({
    id: String(c._id), org: c.orgId?.name ?? '', orgId: c.orgId ? String(c.orgId._id) : '', program: c.program, status: c.status,
    claimedFen: c.claimedFen ?? 0, eligibleFen: c.eligibleFen ?? null, proposedFen: c.proposedFen ?? null, approvedFen: c.approvedFen ?? null,
    paidFen: c.paidFen ?? null, submittedAt: c.submittedAt?.toISOString() ?? null, reviewedAt: c.reviewedAt?.toISOString() ?? null,
    voucherNo: c.payment?.voucherNo ?? null, policyVersion: c.policyVersion,
  }));
  await sendTable(res, format, 'claims', [
    { key: 'id', header: 'claimId 申报编号' }, { key: 'org', header: 'org 单位' }, { key: 'orgId', header: 'orgId' }, { key: 'program', header: 'program 项目' },
    { key: 'status', header: 'status 状态' }, { key: 'claimedFen', header: 'claimedFen 申报(分)' }, { key: 'eligibleFen', header: 'eligibleFen 合规(分)' },
    { key: 'proposedFen', header: 'proposedFen 建议(分)' }, { key: 'approvedFen', header: 'approvedFen 核准(分)' }, { key: 'paidFen', header: 'paidFen 拨付(分)' },
    { key: 'submittedAt', header: 'submittedAt 提交时间' }, { key: 'reviewedAt', header: 'reviewedAt 审核时间' }, { key: 'voucherNo', header: 'voucherNo 凭证号' },
    { key: 'policyVersion', header: 'policyVersion 政策版本' },
  ], rows);
}

export async function exportDisbursements(res: Response, format: 'csv' | 'xlsx') {
  const rows = await DisbursementModel.find().sort({ paidAt: 1 }).lean();
  const orgs = new Map((await OrgModel.find({ _id: { $in: [...new Set(rows.map((r) => String(r.orgId)))] } }, { name: 1 }).lean()).map((o) => [String(o._id), o.name]));
  await sendTable(res, format, 'disbursements', [
    { key: 'claimId', header: 'claimId 申报编号' }, { key: 'org', header: 'org 单位' }, { key: 'program', header: 'program 项目' },
    { key: 'amountFen', header: 'amountFen 金额(分)' }, { key: 'voucherNo', header: 'voucherNo 凭证号' }, { key: 'paidAt', header: 'paidAt 拨付日期' },
  ], rows.map((r) => ({ claimId: String(r.claimId), org: orgs.get(String(r.orgId)) ?? '', program: r.program, amountFen: r.amountFen, voucherNo: r.voucherNo, paidAt: r.paidAt.toISOString() })));
}

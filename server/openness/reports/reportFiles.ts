import ExcelJS from 'exceljs';
import type { ReportResult } from './reportService.ts';
import { toCsv } from '../../platform/csv.ts';
import { fenToYuanPlain } from '../../../config/money.ts';

const FIGURE_HEADERS = ['直播场次 Sessions held', '订单数 Orders', '交易额(元) GMV (yuan)', '带动贫困户 Poverty households', '批准补助(元) Approved (yuan)', '已拨付(元) Paid (yuan)'];

type FigureRow = { sessionsHeld: number; orders: number; gmvFen: number; povertyHouseholds: number; approvedFen: number; paidFen: number };
const figures = (r: FigureRow) => [r.sessionsHeld, r.orders, fenToYuanPlain(r.gmvFen), r.povertyHouseholds, fenToYuanPlain(r.approvedFen), fenToYuanPlain(r.paidFen)];

/** The report's sections as plain tables, shared by the CSV and the workbook. */
export function reportTables(report: ReportResult): { name: string; header: string[]; rows: (string | number | null)[][] }[] {
  return [
    {
      name: '汇总 Totals',
      header: ['期间 Period', ...FIGURE_HEADERS, '贫困户采购额(元) Procurement (yuan)'],
      rows: [[`${report.from} ~ ${report.to}`, ...figures(report.totals), fenToYuanPlain(report.totals.procurementFen)]],
    },
    { name: '按月 By month', header: ['月份 Month', ...FIGURE_HEADERS], rows: report.byMonth.map((m) => [m.month, ...figures(m)]) },
    {
      name: '按项目 By programme',
      header: ['项目 Programme', '代码 Code', '批准笔数 Claims approved', '批准补助(元) Approved (yuan)', '已拨付(元) Paid (yuan)', '每单位上限(元) Cap per beneficiary (yuan)'],
      rows: report.byProgram.map((p) => [p.nameZh, p.program, p.claimsApproved, fenToYuanPlain(p.approvedFen), fenToYuanPlain(p.paidFen), p.capFen === null ? '—' : fenToYuanPlain(p.capFen)]),
    },
    { name: '按乡镇 By township', header: ['乡镇 Township', ...FIGURE_HEADERS], rows: report.byTownship.map((t) => [t.township, ...figures(t)]) },
    {
      name: '资金使用 Budget use',
      header: ['类别 Category', '代码 Code', '安排资金(元) Allocated (yuan)', '本期批准(元) Approved in period', '本期拨付(元) Paid in period', '累计批准(元) Approved to date', '累计拨付(元) Paid to date', '使用率 Used'],
      rows: report.budget.map((b) => [b.nameZh, b.category, fenToYuanPlain(b.allocatedFen), fenToYuanPlain(b.approvedFen), fenToYuanPlain(b.paidFen), fenToYuanPlain(b.approvedToDateFen), fenToYuanPlain(b.paidToDateFen), `${(b.usedBasisPoints / 100).toFixed(2)}%`]),
    },
    {
      name: '批准公示 Disclosure',
      header: ['单位 Organisation', '项目 Programme', '批准金额(元) Approved (yuan)', '批准时间 Approved at'],
      rows: report.disclosures.map((d) => [d.org, d.program, fenToYuanPlain(d.approvedFen), d.approvedAt]),
    },
  ];
}

/** One CSV: each section under a title line, separated by blank lines. */
export function reportCsv(report: ReportResult): string {
  const parts = reportTables(report).map((t) => toCsv([t.name], [t.header, ...t.rows]).replace(/^\ufeff/, ''));
  return '\ufeff' + parts.join('\r\n');
}

export async function reportXlsx(report: ReportResult): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Dehua Live Hub';
  workbook.created = new Date(report.generatedAt);
  for (const t of reportTables(report)) {
    // Sheet names: at most 31 characters, no slashes.
    const sheet = workbook.addWorksheet(t.name.slice(0, 31));
    sheet.addRow(t.header).font = { bold: true };
    for (const row of t.rows) sheet.addRow(row);
    sheet.columns.forEach((c) => (c.width = 22));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

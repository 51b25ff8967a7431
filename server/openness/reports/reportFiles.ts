import ExcelJS from 'exceljs';
import type { ReportResult } from './reportService.ts';
import { fenToYuan, toCsv } from '../csv.ts';

const FIGURE_HEADERS = ['直播场次 Sessions held', '订单数 Orders', '交易额(元) GMV (yuan)', '带动贫困户 Poverty households', '批准补助(元) Approved (yuan)', '已拨付(元) Paid (yuan)'];

type FigureRow = { sessionsHeld: number; orders: number; gmvFen: number; povertyHouseholds: number; approvedFen: number; paidFen: number };
const figures = (r: FigureRow) => [r.sessionsHeld, r.orders, fenToYuan(r.gmvFen), r.povertyHouseholds, fenToYuan(r.approvedFen), fenToYuan(r.paidFen)];

/** The report's sections as plain tables, shared by the CSV and the workbook. */
export function reportTables(report: ReportResult): { name: string; header: string[]; rows: (string | number | null)[][] }[] {
  return [
    {
      name: '汇总 Totals',
      header: ['期间 Period', ...FIGURE_HEADERS, '贫困户采购额(元) Procurement (yuan)'],
      rows: [[`${report.from} ~ ${report.to}`, ...figures(report.totals), fenToYuan(report.totals.procurementFen)]],
    },
    { name: '按月 By month', header: ['月份 Month', ...FIGURE_HEADERS], rows: report.byMonth.map((m) => [m.month, ...figures(m)]) },
    {
      name: '按项目 By programme',
      header: ['项目 Programme', '代码 Code', '批准笔数 Claims approved', '批准补助(元) Approved (yuan)', '已拨付(元) Paid (yuan)', '每单位上限(元) Cap per beneficiary (yuan)'],
      rows: report.byProgram.map((p) => [p.nameZh, p.program, p.claimsApproved, fenToYuan(p.approvedFen), fenToYuan(p.paidFen), p.capFen === null ? '—' : fenToYuan(p.capFen)]),
    },
    { name: '按乡镇 By township', header: ['乡镇 Township', ...FIGURE_HEADERS], rows: report.byTownship.map((t) => [t.township, ...figures(t)]) },
    {
      name: '资金使用 Budget use',
      header: ['类别 Category', '代码 Code', '安排资金(元) Allocated (yuan)', '本期批准(元) Approved in period', '本期拨付(元) Paid in period', '累计批准(元) Approved to date', '累计拨付(元) Paid to date', '使用率 Used'],
      rows: report.budget.map((b) => [b.nameZh, b.category, fenToYuan(b.allocatedFen), fenToYuan(b.approvedFen), fenToYuan(b.paidFen), fenToYuan(b.approvedToDateFen), fenToYuan(b.paidToDateFen), `${(b.usedBasisPoints / 100).toFixed(2)}%`]),
    },
    {
      name: '直播场次分析 Sessions',
      header: ['场次 Session', '开播时间 Started', '观看人数 Viewers', '峰值 Peak', '弹幕 Chat', '+1', '订单 Orders', '下单人数 Buyers', '已付成交额(元) Paid GMV (yuan)', '转化率 Conversion'],
      rows: report.sessions.map((s) => [s.title, s.startedAt, s.viewers, s.peakViewers, s.chatMessages, s.plusOnes, s.orders, s.buyers, fenToYuan(s.paidGmvFen), `${(s.conversionBp / 100).toFixed(2)}%`]),
    },
    {
      name: '场次商品 Session products',
      header: ['场次 Session', '商品 Product', '订单 Orders', '件数 Quantity', '已付成交额(元) Paid GMV (yuan)'],
      rows: report.sessions.flatMap((s) => s.products.map((p) => [s.title, p.name ?? p.productId, p.orders, p.quantity, fenToYuan(p.paidGmvFen)])),
    },
    {
      name: '批准公示 Disclosure',
      header: ['单位 Organisation', '项目 Programme', '批准金额(元) Approved (yuan)', '批准时间 Approved at'],
      rows: report.disclosures.map((d) => [d.org, d.program, fenToYuan(d.approvedFen), d.approvedAt]),
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

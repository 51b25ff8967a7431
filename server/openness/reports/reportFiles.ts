import ExcelJS from 'exceljs';
import type { Figures, ReportResult } from './reportService.ts';
import { toCsv } from '../../platform/csv.ts';
import { fenToYuanPlain as fenToYuan } from '../../../config/money.ts';
import { shanghaiDateTime } from '../shanghaiTime.ts';

/** The language of a downloaded file: Chinese by default, English with `lang=en`. */
export type FileLang = 'zh' | 'en';

/** A yuan amount: a two-decimal string in the CSV (exact), a number shown with two decimals in the workbook (so sums work). */
class Yuan {
  constructor(readonly fen: number) {}
}
type Cell = string | number | null | Yuan;
interface Table {
  name: string;
  header: string[];
  rows: Cell[][];
}

const pair = (lang: FileLang) => (zh: string, en: string) => (lang === 'zh' ? zh : en);

/** The report's sections as plain tables, shared by the CSV and the workbook. */
function reportTables(report: ReportResult, lang: FileLang): Table[] {
  const h = pair(lang);
  const figureHeaders = [
    h('直播场次', 'Sessions held'),
    h('订单数', 'Orders'),
    h('交易额（元）', 'GMV (yuan)'),
    h('带动贫困户', 'Poverty households'),
    h('批准补助（元）', 'Approved (yuan)'),
    h('已拨付（元）', 'Paid (yuan)'),
  ];
  const figures = (r: Figures): Cell[] => [
    r.sessionsHeld,
    r.orders,
    new Yuan(r.gmvFen),
    r.povertyHouseholds,
    new Yuan(r.approvedFen),
    new Yuan(r.paidFen),
  ];
  const programName = new Map(report.byProgram.map((p) => [p.program, lang === 'zh' ? p.nameZh : (p.nameEn ?? p.program)]));
  return [
    {
      name: h('汇总', 'Totals'),
      header: [h('期间', 'Period'), ...figureHeaders, h('贫困户采购额（元）', 'Procurement from households (yuan)')],
      rows: [[`${report.from} ~ ${report.to}`, ...figures(report.totals), new Yuan(report.totals.procurementFen)]],
    },
    {
      name: h('按月', 'By month'),
      header: [h('月份', 'Month'), ...figureHeaders],
      rows: report.byMonth.map((m) => [m.month, ...figures(m)]),
    },
    {
      name: h('按项目', 'By programme'),
      header: [
        h('项目', 'Programme'),
        h('批准笔数', 'Claims approved'),
        h('批准补助（元）', 'Approved (yuan)'),
        h('已拨付（元）', 'Paid (yuan)'),
        h('每单位上限（元）', 'Cap per beneficiary (yuan)'),
      ],
      rows: report.byProgram.map((p) => [
        programName.get(p.program)!,
        p.claimsApproved,
        new Yuan(p.approvedFen),
        new Yuan(p.paidFen),
        p.capFen === null ? '—' : new Yuan(p.capFen),
      ]),
    },
    {
      name: h('按乡镇', 'By township'),
      header: [h('乡镇', 'Township'), ...figureHeaders],
      rows: report.byTownship.map((t) => [t.township, ...figures(t)]),
    },
    {
      name: h('资金使用', 'Budget use'),
      header: [
        h('类别', 'Category'),
        h('安排资金（元）', 'Allocated (yuan)'),
        h('本期批准（元）', 'Approved in period (yuan)'),
        h('本期拨付（元）', 'Paid in period (yuan)'),
        h('累计批准（元）', 'Approved to date (yuan)'),
        h('累计拨付（元）', 'Paid to date (yuan)'),
        h('使用率', 'Used'),
      ],
      rows: report.budget.map((b) => [
        lang === 'zh' ? b.nameZh : (b.nameEn ?? b.category),
        new Yuan(b.allocatedFen),
        new Yuan(b.approvedFen),
        new Yuan(b.paidFen),
        new Yuan(b.approvedToDateFen),
        new Yuan(b.paidToDateFen),
        `${(b.usedBasisPoints / 100).toFixed(2)}%`,
      ]),
    },
    {
      name: h('直播场次分析', 'Sessions'),
      header: [
        h('场次', 'Session'),
        h('开播时间（北京时间）', 'Started (Beijing time)'),
        h('观看人数', 'Viewers'),
        h('峰值', 'Peak'),
        h('弹幕', 'Chat messages'),
        h('+1 次数', '+1s'),
        h('订单', 'Orders'),
        h('下单人数', 'Buyers'),
        h('已付成交额（元）', 'Paid GMV (yuan)'),
        h('转化率', 'Conversion'),
      ],
      rows: report.sessions.map((s) => [
        s.title,
        s.startedAt ? shanghaiDateTime(new Date(s.startedAt)) : null,
        s.viewers,
        s.peakViewers,
        s.chatMessages,
        s.plusOnes,
        s.orders,
        s.buyers,
        new Yuan(s.paidGmvFen),
        `${(s.conversionBp / 100).toFixed(2)}%`,
      ]),
    },
    {
      name: h('场次商品', 'Session products'),
      header: [
        h('场次', 'Session'),
        h('商品', 'Product'),
        h('订单', 'Orders'),
        h('件数', 'Quantity'),
        h('已付成交额（元）', 'Paid GMV (yuan)'),
      ],
      rows: report.sessions.flatMap((s) =>
        s.products.map((p) => [s.title, p.name ?? p.productId, p.orders, p.quantity, new Yuan(p.paidGmvFen)]),
      ),
    },
    {
      name: h('批准公示', 'Disclosure'),
      header: [
        h('单位', 'Organisation'),
        h('项目', 'Programme'),
        h('批准金额（元）', 'Approved (yuan)'),
        h('批准时间（北京时间）', 'Approved at (Beijing time)'),
      ],
      rows: report.disclosures.map((d) => [
        d.org,
        programName.get(d.program) ?? d.program,
        new Yuan(d.approvedFen),
        shanghaiDateTime(new Date(d.approvedAt)),
      ]),
    },
  ];
}

/** One CSV: each section under a title line, separated by blank lines; amounts in yuan, times in Beijing time. */
export function reportCsv(report: ReportResult, lang: FileLang = 'zh'): string {
  const plain = (c: Cell) => (c instanceof Yuan ? fenToYuan(c.fen) : c);
  const parts = reportTables(report, lang).map((t) =>
    toCsv([t.name], [t.header, ...t.rows.map((r) => r.map(plain))]).replace(/^\ufeff/, ''),
  );
  return '\ufeff' + parts.join('\r\n');
}

/** One sheet per section; yuan cells are numbers formatted to the fen, so a clerk can sum them. */
export async function reportXlsx(report: ReportResult, lang: FileLang = 'zh'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Dehua Live Hub';
  workbook.created = new Date(report.generatedAt);
  for (const t of reportTables(report, lang)) {
    // Sheet names: at most 31 characters, no slashes.
    const sheet = workbook.addWorksheet(t.name.slice(0, 31));
    sheet.addRow(t.header).font = { bold: true };
    for (const row of t.rows) {
      const added = sheet.addRow(row.map((c) => (c instanceof Yuan ? c.fen / 100 : c)));
      row.forEach((c, i) => {
        if (c instanceof Yuan) added.getCell(i + 1).numFmt = '#,##0.00';
      });
    }
    sheet.columns.forEach((c) => (c.width = 22));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

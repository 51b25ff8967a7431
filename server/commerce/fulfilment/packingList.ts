import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { OrderRecord } from '../checkout/orderRecord.ts';
import { fenToYuanPlain } from '../../../config/money.ts';

/** Debian's fonts-wqy-zenhei (installed by scripts/ensure-system-packages.sh): Chinese glyphs offline. */
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc';

const yuan = (fen: number) => `¥${fenToYuanPlain(fen)}`;

/**
 * A packing list: one block per order with its QR (the order id, scanned at the station or the county
 * logistics centre), product and quantity, and where it goes. Buyer phone numbers are masked.
 */
export async function packingListPdf(orders: OrderRecord[], productNames: Map<string, string>, title: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: title } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  if (existsSync(CJK_FONT)) doc.font(CJK_FONT, 'WenQuanYiZenHei');
  doc.fontSize(16).text(title);
  doc.moveDown(0.5);
  for (const o of orders) {
    if (doc.y > 700) doc.addPage();
    const top = doc.y;
    const qr = await QRCode.toBuffer(`dehua-order:${o.id}`, { margin: 0, width: 72 });
    doc.image(qr, 40, top, { width: 72 });
    const d = o.delivery;
    const where = !d
      ? '—'
      : d.mode === 'station'
        ? `自提 / Pick-up: ${d.stationName}（${d.stationTownship ?? ''}）`
        : `快递 / Courier: ${d.address.name} ${d.address.phone.slice(0, 3)}****${d.address.phone.slice(-4)} ${d.address.township}${d.address.village ?? ''}${d.address.detail}`;
    doc
      .fontSize(10)
      .text(`订单 Order ${o.id}`, 125, top)
      .text(`${productNames.get(o.productId) ?? o.productId} × ${o.quantity}   ${yuan(o.amountFen)}`)
      .text(where)
      .text(
        `付款 Payment: ${o.payment?.method === 'cod' ? '货到付款 COD' : o.payment?.method === 'transfer' ? '对公转账 Bank transfer' : '—'}   状态 Status: ${o.state.status}`,
      );
    doc.y = Math.max(doc.y, top + 80);
    doc.moveTo(40, doc.y).lineTo(555, doc.y).stroke();
    doc.moveDown(0.5);
  }
  doc.end();
  return done;
}

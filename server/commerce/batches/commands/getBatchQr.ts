import QRCode from 'qrcode';
import { traceUrlFor } from '../presenters/batch.ts';
import { batchByCode } from './batchRecord.ts';

export type GetBatchQrCommand = { code: string; origin: string; format: 'png' | 'svg' };

/** The QR image of a batch's public trace page (public: the code itself is the bearer secret). */
export async function getBatchQr(command: GetBatchQrCommand): Promise<Buffer | string> {
  const { code: input, origin, format } = command;
  const batch = await batchByCode(input);
  const url = traceUrlFor(origin, batch.code);
  return format === 'png'
    ? QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 480 })
    : QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

import { notFound } from '../../platform/errors.ts';
import { StudioModel } from './studio.model.ts';

/**
 * What live sessions (booking) read about studios: a read, not an operation on a studio, so it lives here
 * rather than in commands/. Writes to studios stay in commands/.
 */

/** The studio as stored (404 for an unknown id). */
export async function requireStudio(id: string) {
  const studio = await StudioModel.findById(id).lean();
  if (!studio) throw notFound('Studio');
  return studio;
}

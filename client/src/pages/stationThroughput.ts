/** A station's parcels per month (arrived, picked up): on its parcel page and beside its service-station claims. */
import { h } from '../lib/dom.ts';
import { registerMessages, t } from '../lib/i18n.ts';
import { api } from '../lib/api.ts';

registerMessages({
  'zh-CN': {
    'throughput.title': '本站每月包裹量',
    'throughput.month': '月份',
    'throughput.parcels': '到站包裹',
    'throughput.pickedUp': '已取件',
    'throughput.total': '累计到站 {count} 件',
    'throughput.empty': '本站还没有到站包裹',
  },
  en: {
    'throughput.title': 'Parcels per month at this station',
    'throughput.month': 'Month',
    'throughput.parcels': 'Arrived',
    'throughput.pickedUp': 'Picked up',
    'throughput.total': '{count} parcels in all',
    'throughput.empty': 'No parcels have arrived at this station yet',
  },
});

/** The throughput card of a station organisation (GET /stations/:id/throughput); nothing when it is not a station. */
export async function stationThroughputCard(stationOrgId: string): Promise<HTMLElement | null> {
  const tp = await api.get<'/stations/{id}/throughput'>(`/stations/${stationOrgId}/throughput`).catch(() => null);
  if (!tp) return null;
  const body = tp.months.length
    ? [
        h(
          'table',
          { class: 'table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', null, t('throughput.month')),
              h('th', null, t('throughput.parcels')),
              h('th', null, t('throughput.pickedUp')),
            ),
          ),
          h(
            'tbody',
            null,
            [...tp.months]
              .reverse()
              .map((m) =>
                h(
                  'tr',
                  { 'data-month': m.month },
                  h('td', null, m.month),
                  h('td', null, String(m.parcels)),
                  h('td', null, String(m.pickedUp)),
                ),
              ),
          ),
        ),
        h('p', { class: 'muted' }, t('throughput.total', { count: tp.totalParcels })),
      ]
    : [h('p', { class: 'muted', 'data-testid': 'throughput-empty' }, t('throughput.empty'))];
  return h('section', { class: 'card', 'data-testid': 'station-throughput-card' }, h('h2', null, t('throughput.title')), ...body);
}

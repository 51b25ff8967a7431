import type { Calculator } from './types.ts';
import { finish, newTrace, say } from './common.ts';
import type { TextKey } from '../../../../config/claimTexts.ts';
import { programRule } from '../rules.ts';
import { formatYuan } from '../../money.ts';

/**
 * 服务站点 §四(三)5: a fixed award after acceptance — per township station or village point — and one
 * station per township and one point per village, ever. Acceptance (验收) is the bureau's approval.
 */
export const serviceStationCalculator: Calculator = (claim, history, policy) => {
  const rule = programRule(policy, 'service_station');
  const trace = newTrace(rule, policy);
  const station = claim.station;
  const awards = rule.fixedAwardsFen ?? { township: 0, village: 0 };
  const where = station ? (station.level === 'township' ? station.township : `${station.township}${station.village ?? ''}`) : '';
  let reason: string | null = null;
  let reasonKey: TextKey | null = null;
  let duplicateOf: string | null = null;
  if (!station) {
    reason = '缺少站点信息 (no station details)';
    reasonKey = { key: 'reason.station_missing' };
  } else if (claim.orgType !== 'station') {
    reason = '申报单位不是服务站点运营方 (the claimant is not a station operator)';
    reasonKey = { key: 'reason.not_station_operator' };
  } else if (station.heldBy) {
    reason = `重复申报：${where} 已有${station.level === 'township' ? '乡镇服务站' : '村级服务点'}（${station.heldBy}）(duplicate: this ${station.level} already has a station, claimed by ${station.heldBy})`;
    const held = /claim ([0-9a-f]{24})/.exec(station.heldBy)?.[1];
    reasonKey = {
      key: 'reason.station_duplicate',
      params: { where, level: station.level, heldBy: held ? { key: 'held.claim', params: { claimId: held } } : station.heldBy },
    };
    duplicateOf = station.heldBy;
  } else {
    const awardFen = awards[station.level];
    say(
      trace,
      `${station.level === 'township' ? '乡镇服务站' : '村级服务点'}「${where}」定额奖补 ${formatYuan(awardFen)}（须经验收）— fixed award for a ${station.level} ${station.level === 'township' ? 'station' : 'point'}: ${formatYuan(awardFen)} (after acceptance)`,
      { key: 'trace.station_award', params: { level: station.level, where, awardFen } },
    );
  }
  if (reason) say(trace, `不予补助：${reason} — not eligible`, { key: 'trace.claim_ineligible', params: { reason: reasonKey } });
  const items = claim.items.map(() => ({ eligible: reason === null, reason, reasonKey, duplicateOf }));
  return finish(rule, policy, claim, history, items, trace, station ? { level: station.level, awarded: reason === null } : null);
};

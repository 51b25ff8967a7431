import type { Calculator } from './types.ts';
import { finishWithCap, policyLine } from './common.ts';
import { programRule } from '../policyService.ts';
import { formatYuan } from '../../money.ts';

/**
 * 服务站点 §四(三)5: a fixed award after acceptance — per township station or village point — and one
 * station per township and one point per village, ever. Acceptance (验收) is the bureau's approval.
 */
export const serviceStationCalculator: Calculator = (claim, history, policy) => {
  const rule = programRule(policy, 'service_station');
  const trace = [policyLine(rule, policy)];
  const station = claim.station;
  const awards = rule.fixedAwardsFen ?? { township: 0, village: 0 };
  const where = station ? (station.level === 'township' ? station.township : `${station.township}${station.village ?? ''}`) : '';
  let awardFen = 0;
  let reason: string | null = null;
  let duplicateOf: string | null = null;
  if (!station) reason = '缺少站点信息 (no station details)';
  else if (claim.orgType !== 'station') reason = '申报单位不是服务站点运营方 (the claimant is not a station operator)';
  else if (station.heldBy) {
    reason = `重复申报：${where} 已有${station.level === 'township' ? '乡镇服务站' : '村级服务点'}（${station.heldBy}）(duplicate: this ${station.level} already has a station, claimed by ${station.heldBy})`;
    duplicateOf = station.heldBy;
  } else {
    awardFen = awards[station.level];
    trace.push(
      `${station.level === 'township' ? '乡镇服务站' : '村级服务点'}「${where}」定额奖补 ${formatYuan(awardFen)}（须经验收）— fixed award for a ${station.level} ${station.level === 'township' ? 'station' : 'point'}: ${formatYuan(awardFen)} (after acceptance)`,
    );
  }
  if (reason) trace.push(`不予补助：${reason} — not eligible`);
  const items = claim.items.map(() => ({ eligible: reason === null, reason, duplicateOf }));
  const capFen = station ? station.capFen : awards.township;
  return finishWithCap(rule, policy, awardFen, awardFen, awardFen, capFen, history, items, trace);
};

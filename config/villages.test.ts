import { expect } from 'chai';
import { TOWNSHIPS } from './places.ts';
import { COMPLETE_VILLAGE_LISTS, VILLAGES, villageProblem } from './villages.ts';

describe('config: villages offered first in address forms', () => {
  it('lists only townships of the county, with unique names of villages (村) and communities (社区)', () => {
    for (const [township, villages] of Object.entries(VILLAGES)) {
      expect(TOWNSHIPS as readonly string[], township).to.include(township);
      expect(new Set(villages).size, township).to.equal(villages!.length);
      for (const v of villages!) expect(v, township).to.match(/(村|社区)$/u);
    }
  });

  it('accepts a listed village, falls back to any 村/社区 name while a list is incomplete, and refuses anything else', () => {
    expect(villageProblem('龙浔镇', '宝美村')).to.equal(null);
    expect(villageProblem('龙浔镇', '浔东社区')).to.equal(null);
    expect(COMPLETE_VILLAGE_LISTS).to.not.include('龙浔镇');
    expect(villageProblem('龙浔镇', '新建村')).to.equal(null);
    expect(villageProblem('葛坑镇', '某某地方')).to.match(/村 or 社区/);
    expect(villageProblem('赤水镇', 'village')).to.match(/村 or 社区/);
  });
});

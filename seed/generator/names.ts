/**
 * Chinese personal names: family names with their approximate national frequency (per mille, 2020
 * household-registration statistics, top 100 plus a few compound names) and given names by sex and
 * birth cohort (names popular in the 1940s–50s differ a lot from those of the 2010s).
 */
import type { Rng, WeightedTable } from './prng';
import { weightedTable } from './prng';

export const FAMILY_NAMES: WeightedTable<string> = weightedTable<string>([
  ['王', 71], ['李', 70], ['张', 67], ['刘', 54], ['陈', 46], ['杨', 31], ['赵', 22], ['黄', 22], ['周', 19],
  ['吴', 18], ['徐', 16], ['孙', 15], ['胡', 13], ['朱', 12], ['高', 12], ['林', 12], ['何', 12], ['郭', 12],
  ['马', 11], ['罗', 9], ['梁', 9], ['宋', 8], ['郑', 8], ['谢', 7], ['韩', 7], ['唐', 7], ['冯', 6], ['于', 6],
  ['董', 6], ['萧', 6], ['程', 5], ['曹', 5], ['袁', 5], ['邓', 5], ['许', 5], ['傅', 5], ['沈', 5], ['曾', 5],
  ['彭', 5], ['吕', 4], ['苏', 4], ['卢', 4], ['蒋', 4], ['蔡', 4], ['贾', 4], ['丁', 4], ['魏', 4], ['薛', 4],
  ['叶', 4], ['阎', 4], ['余', 3], ['潘', 3], ['杜', 3], ['戴', 3], ['夏', 3], ['钟', 3], ['汪', 3], ['田', 3],
  ['任', 3], ['姜', 3], ['范', 3], ['方', 3], ['石', 3], ['姚', 3], ['谭', 3], ['廖', 2], ['邹', 2], ['熊', 2],
  ['金', 2], ['陆', 2], ['郝', 2], ['孔', 2], ['白', 2], ['崔', 2], ['康', 2], ['毛', 2], ['邱', 2], ['秦', 2],
  ['江', 2], ['史', 2], ['顾', 2], ['侯', 2], ['邵', 2], ['孟', 2], ['龙', 2], ['万', 2], ['段', 2], ['雷', 2],
  ['钱', 2], ['汤', 2], ['尹', 2], ['黎', 2], ['易', 1], ['常', 1], ['武', 1], ['乔', 1], ['贺', 1], ['赖', 1],
  ['龚', 1], ['文', 1], ['欧阳', 0.3], ['司马', 0.05], ['诸葛', 0.05], ['上官', 0.05],
]);

type Sex = 'male' | 'female';

interface Cohort {
  /** Born in or before this year. */
  readonly bornUntil: number;
  /** Share of one-character given names. */
  readonly singleShare: number;
  readonly male: readonly string[];
  readonly female: readonly string[];
}

const COHORTS: readonly Cohort[] = [
  {
    bornUntil: 1959,
    singleShare: 0.3,
    male: ['建国', '国庆', '建华', '志强', '振华', '福生', '德胜', '文华', '保国', '永安', '长顺', '树林', '宝山',
      '明', '军', '华', '强', '斌', '刚', '勇'],
    female: ['秀英', '桂英', '秀兰', '玉兰', '桂兰', '淑珍', '凤兰', '素珍', '淑英', '玉珍', '秀珍', '凤英',
      '淑兰', '兰', '英', '珍', '芳', '华', '霞', '梅'],
  },
  {
    bornUntil: 1979,
    singleShare: 0.35,
    male: ['建军', '卫东', '红军', '志刚', '海涛', '建平', '国强', '立新', '永刚', '宏伟', '晓东', '建新',
      '伟', '勇', '军', '涛', '斌', '磊', '杰', '亮'],
    female: ['丽华', '红梅', '春梅', '淑华', '秀芳', '玉梅', '海燕', '晓红', '丽娟', '艳红', '桂芳', '文静',
      '丽', '艳', '敏', '静', '燕', '红', '娟', '霞'],
  },
  {
    bornUntil: 1999,
    singleShare: 0.3,
    male: ['伟', '磊', '鹏', '超', '浩', '鑫', '帅', '宇', '杰', '俊杰', '志伟', '建华', '晓明', '天宇', '子豪',
      '文博', '家豪', '明轩', '思远', '博文'],
    female: ['婷', '丹', '静', '雪', '颖', '倩', '琳', '悦', '晓燕', '丽娜', '婷婷', '佳琪', '雪梅', '欣然',
      '思雨', '梦洁', '文静', '晓丽', '雅琪', '佳慧'],
  },
  {
    bornUntil: 9999,
    singleShare: 0.12,
    male: ['子轩', '浩然', '宇轩', '梓涵', '浩宇', '一诺', '子墨', '沐宸', '俊熙', '奕辰', '宇航', '博涛',
      '天佑', '梓睿', '皓轩', '锦程', '瑞霖', '睿', '航', '哲'],
    female: ['欣怡', '梓萱', '诗涵', '一诺', '依诺', '雨桐', '语汐', '若汐', '可馨', '梓涵', '思琪', '紫涵',
      '梦琪', '子涵', '雨萱', '佳怡', '嘉怡', '悦', '琪', '萱'],
  },
];

/** Characters that combine into further two-character given names, for variety. */
const MALE_CHARS: readonly string[] = [...'文志建明国华俊宇浩杰伟振海永德嘉子天博昊鸿'];
const FEMALE_CHARS: readonly string[] = [...'秀丽玉梅芳红静婷雪慧佳欣雨思晓雅美琳娜怡'];

export interface PersonName {
  readonly family: string;
  readonly given: string;
  readonly text: string;
}

export function chooseName(rng: Rng, sex: Sex, birthYear: number): PersonName {
  const family = rng.weighted(FAMILY_NAMES);
  const cohort = COHORTS.find((c) => birthYear <= c.bornUntil) ?? COHORTS[COHORTS.length - 1];
  let given: string;
  if (rng.chance(0.65)) {
    given = rng.pick(cohort[sex]);
  } else {
    const chars = sex === 'male' ? MALE_CHARS : FEMALE_CHARS;
    given = rng.chance(cohort.singleShare) ? rng.pick(chars) : rng.pick(chars) + rng.pick(chars);
  }
  return { family, given, text: family + given };
}

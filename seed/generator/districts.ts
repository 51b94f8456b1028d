/**
 * The region's districts: Tianjin's 16 county-level divisions (GB/T 2260 codes 120101–120119), with their
 * 2020 census population (10k residents, used as weights), postal code, approximate centre, and the
 * sub-districts (街道) and towns (镇/乡) whose names clinics and addresses use.
 */

export interface District {
  /** GB/T 2260 code. */
  readonly code: string;
  readonly name: string;
  /** Resident population in units of 10,000 (2020 census, rounded). */
  readonly population: number;
  readonly postalCode: string;
  readonly latitude: number;
  readonly longitude: number;
  /** 街道 (urban sub-districts, end in 街) and 镇/乡 (towns). */
  readonly subdistricts: readonly string[];
}

export const REGION = {
  /** GB/T 2260 code of the municipality (the health authority's division). */
  code: '120000',
  name: '天津市',
  /** Area code of landlines. */
  phoneAreaCode: '022',
} as const;

export const DISTRICTS: readonly District[] = [
  {
    code: '120101', name: '和平区', population: 35.5, postalCode: '300041', latitude: 39.117, longitude: 117.195,
    subdistricts: ['劝业场街', '小白楼街', '五大道街', '新兴街', '南营门街', '南市街'],
  },
  {
    code: '120102', name: '河东区', population: 85.9, postalCode: '300011', latitude: 39.128, longitude: 117.252,
    subdistricts: ['大王庄街', '大直沽街', '中山门街', '富民路街', '二号桥街', '春华街', '唐家口街', '向阳楼街',
      '常州道街', '上杭路街', '东新街', '鲁山道街'],
  },
  {
    code: '120103', name: '河西区', population: 82.2, postalCode: '300202', latitude: 39.11, longitude: 117.223,
    subdistricts: ['大营门街', '下瓦房街', '桃园街', '挂甲寺街', '马场街', '越秀路街', '友谊路街', '天塔街',
      '尖山街', '陈塘庄街', '柳林街', '东海街', '梅江街', '太湖路街'],
  },
  {
    code: '120104', name: '南开区', population: 89.0, postalCode: '300100', latitude: 39.138, longitude: 117.15,
    subdistricts: ['长虹街', '鼓楼街', '兴南街', '广开街', '万兴街', '学府街', '向阳路街', '嘉陵道街', '王顶堤街',
      '水上公园街', '体育中心街', '华苑街'],
  },
  {
    code: '120105', name: '河北区', population: 64.7, postalCode: '300143', latitude: 39.148, longitude: 117.197,
    subdistricts: ['光复道街', '望海楼街', '鸿顺里街', '新开河街', '铁东路街', '建昌道街', '宁园街', '王串场街',
      '江都路街', '月牙河街'],
  },
  {
    code: '120106', name: '红桥区', population: 48.3, postalCode: '300131', latitude: 39.167, longitude: 117.151,
    subdistricts: ['西于庄街', '丁字沽街', '西沽街', '三条石街', '邵公庄街', '芥园街', '铃铛阁街', '和苑街',
      '咸阳北路街'],
  },
  {
    code: '120110', name: '东丽区', population: 85.7, postalCode: '300300', latitude: 39.086, longitude: 117.314,
    subdistricts: ['张贵庄街', '丰年村街', '万新街', '无瑕街', '新立街', '华明街', '金钟街', '军粮城街', '金桥街',
      '东丽湖街'],
  },
  {
    code: '120111', name: '西青区', population: 119.5, postalCode: '300380', latitude: 39.142, longitude: 117.008,
    subdistricts: ['西营门街', '李七庄街', '赤龙南街', '杨柳青镇', '中北镇', '张家窝镇', '精武镇', '大寺镇',
      '王稳庄镇', '辛口镇'],
  },
  {
    code: '120112', name: '津南区', population: 92.9, postalCode: '300350', latitude: 38.938, longitude: 117.357,
    subdistricts: ['咸水沽镇', '葛沽镇', '小站镇', '双港镇', '辛庄镇', '北闸口镇', '八里台镇', '双桥河镇'],
  },
  {
    code: '120113', name: '北辰区', population: 90.9, postalCode: '300400', latitude: 39.225, longitude: 117.135,
    subdistricts: ['果园新村街', '集贤里街', '普东街', '瑞景街', '佳荣里街', '青源街', '天穆镇', '北仓镇',
      '双街镇', '双口镇', '青光镇', '宜兴埠镇', '小淀镇', '大张庄镇', '西堤头镇'],
  },
  {
    code: '120114', name: '武清区', population: 115.1, postalCode: '301700', latitude: 39.384, longitude: 117.044,
    subdistricts: ['杨村街', '下朱庄街', '东蒲洼街', '黄庄街', '徐官屯街', '运河西街', '梅厂镇', '大碱厂镇',
      '崔黄口镇', '大良镇', '下伍旗镇', '南蔡村镇', '大孟庄镇', '泗村店镇', '河西务镇', '城关镇', '东马圈镇',
      '黄花店镇', '石各庄镇', '王庆坨镇', '汊沽港镇', '河北屯镇', '上马台镇', '大王古庄镇', '陈咀镇', '豆张庄镇',
      '曹子里镇', '大黄堡镇', '高村镇', '白古屯镇'],
  },
  {
    code: '120115', name: '宝坻区', population: 72.2, postalCode: '301800', latitude: 39.717, longitude: 117.309,
    subdistricts: ['海滨街', '宝平街', '钰华街', '周良街', '大口屯镇', '王卜庄镇', '方家庄镇', '林亭口镇',
      '八门城镇', '大钟庄镇', '新安镇', '霍各庄镇', '新开口镇', '大唐庄镇', '牛道口镇', '史各庄镇', '郝各庄镇',
      '口东镇', '黄庄镇'],
  },
  {
    code: '120116', name: '滨海新区', population: 206.7, postalCode: '300450', latitude: 39.003, longitude: 117.71,
    subdistricts: ['塘沽街', '杭州道街', '新河街', '大沽街', '新北街', '北塘街', '胡家园街', '汉沽街', '寨上街',
      '茶淀街', '大港街', '古林街', '海滨街', '泰达街', '新港街', '新村街', '中塘镇', '小王庄镇', '太平镇',
      '杨家泊镇'],
  },
  {
    code: '120117', name: '宁河区', population: 39.5, postalCode: '301500', latitude: 39.33, longitude: 117.826,
    subdistricts: ['芦台镇', '宁河镇', '苗庄镇', '丰台镇', '岳龙镇', '板桥镇', '潘庄镇', '造甲城镇', '七里海镇',
      '大北涧沽镇', '东棘坨镇', '北淮淀镇', '俵口镇', '廉庄镇'],
  },
  {
    code: '120118', name: '静海区', population: 78.7, postalCode: '301600', latitude: 38.947, longitude: 116.974,
    subdistricts: ['静海镇', '唐官屯镇', '独流镇', '王口镇', '台头镇', '子牙镇', '陈官屯镇', '中旺镇', '大邱庄镇',
      '蔡公庄镇', '梁头镇', '团泊镇', '双塘镇', '大丰堆镇', '沿庄镇', '西翟庄镇', '良王庄乡', '杨成庄乡'],
  },
  {
    code: '120119', name: '蓟州区', population: 79.6, postalCode: '301900', latitude: 40.046, longitude: 117.408,
    subdistricts: ['文昌街', '渔阳镇', '洇溜镇', '官庄镇', '马伸桥镇', '下营镇', '邦均镇', '别山镇', '尤古庄镇',
      '上仓镇', '下仓镇', '罗庄子镇', '白涧镇', '侯家营镇', '桑梓镇', '东施古镇', '下窝头镇', '杨津庄镇',
      '出头岭镇', '西龙虎峪镇', '穿芳峪镇', '东二营镇', '许家台镇', '礼明庄镇', '东赵各庄镇', '州河湾镇'],
  },
];

export const TOTAL_POPULATION = DISTRICTS.reduce((sum, d) => sum + d.population, 0);

/** Road names for street addresses (common across Chinese cities, several real in Tianjin). */
export const ROADS: readonly string[] = [
  '南京路', '解放路', '黄河道', '长江道', '卫津路', '红旗路', '复康路', '友谊路', '津塘路', '中山路', '建设路',
  '新华路', '胜利路', '光明路', '和平路', '人民路', '育才路', '青年路', '富强路', '幸福道', '迎宾大道', '文化路',
  '鞍山道', '西康路', '大沽南路', '成都道', '芥园道', '保山道', '昆明路', '紫金山路',
];

/** Residential compound names (小区). */
export const COMPOUNDS: readonly string[] = [
  '阳光', '金泰', '碧水', '华馨', '瑞景', '丽苑', '福园', '康乐', '春晖', '锦绣', '嘉园', '翠亭', '鑫地',
  '天塔', '明华', '桂苑', '荣华', '安居', '广厦', '海颂',
];

/**
 * Allocates `count` clinics over the districts proportionally to population (largest remainder), so the
 * split is deterministic and every district gets at least one clinic when count >= 16.
 */
export function allocateClinics(count: number): number[] {
  const quotas = DISTRICTS.map((d) => (count * d.population) / TOTAL_POPULATION);
  const result = quotas.map((q) => Math.floor(q));
  if (count >= DISTRICTS.length) {
    for (let i = 0; i < result.length; i++) {
      result[i] = Math.max(result[i], 1);
    }
  }
  let assigned = result.reduce((a, b) => a + b, 0);
  const order = quotas
    .map((q, i) => ({ i, rest: q - Math.floor(q) }))
    .sort((x, y) => y.rest - x.rest || x.i - y.i);
  for (let k = 0; assigned < count; k = (k + 1) % order.length) {
    result[order[k].i]++;
    assigned++;
  }
  for (let k = order.length - 1; assigned > count; k = (k - 1 + order.length) % order.length) {
    const i = order[k].i;
    if (result[i] > 1) {
      result[i]--;
      assigned--;
    }
  }
  return result;
}

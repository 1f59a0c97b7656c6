#!/usr/bin/env python3
"""Writes dup_pairs.tsv, the labelled set for near-duplicate petitions
(tests/unit/core/test_simhash.c, docs/duplicates.md). Deterministic: run it again after
changing a template and commit both files. Usage: python3 tests/unit/data/gen_dup_pairs.py

A petition is an opening (who, where), the complaint's own sentences, what was tried
already, and a demand. Pairs labelled 1 are the same complaint written again: reworded
(synonyms, one sentence said differently), typed with slips, sentences reordered, the
address written differently, punctuation changed, a sentence dropped or added, or several
of these. Pairs labelled 0 are different complaints: of the same category and the same
person (same opening, hardest), of the same category by another person (shared
vocabulary and stock phrases), or of another category.

Columns: label, kind, text a, text b."""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

# category -> complaints; each complaint is a list of sentences, each [usual, reworded]
C = {
    'noise': [
        [['小区{place}每天晚上七点到十点都有人跳广场舞，音响开得特别大。',
          '每晚七点至十点，小区{place}有一群人跳广场舞，音箱声音非常大。'],
         ['家里老人心脏不好，孩子明年要中考，根本没法休息和学习。',
          '我家老人有心脏病，孩子面临中考，完全无法正常休息和复习。'],
         ['我们找过领舞的人协商，对方态度恶劣，说公共场地谁都能用。',
          '我们曾和组织者沟通过，对方态度很差，称公共场所人人都可以用。']],
        [['小区南侧{company}承建的工地连续一个多月夜间施工，凌晨两三点还在打桩。',
          '{company}在小区南边的工地一个多月来天天夜里施工，半夜两三点仍在打桩。'],
         ['打桩机和渣土车的噪音震得窗户嗡嗡响，全家人整夜睡不着觉。',
          '打桩和渣土车的声音大得连窗户都在响，我们一家人整晚无法入睡。'],
         ['施工方没有公示夜间施工许可，我们打电话问过城管，说没有审批。',
          '工地从未公示夜间施工许可证，城管在电话里告诉我们没有批过。']],
        [['楼下新开的{shop}排风机和空调外机正对着我家卧室窗户，从早上十点响到凌晨一点。',
          '楼下{shop}新装的排风机、空调外机对着我家卧室，每天上午十点一直响到夜里一点。'],
         ['油烟和噪音让我们根本不敢开窗，家里老人的血压一直降不下来。',
          '因为油烟和噪声我们不敢开窗户，老人血压居高不下。'],
         ['我们和店老板交涉过几次，他答应整改但一直没有动静。',
          '跟店主协商了好几次，他嘴上说改，实际一点没改。']],
    ],
    'property': [
        [['我们{building}号楼的电梯今年已经坏了十几次，上个月还把一位老人困在里面将近一个小时。',
          '{building}号楼电梯今年坏了十多次，上月有位老人被困了快一个钟头。'],
         ['物业公司每次只是简单修一下，从来不彻底检修，也不公开维保记录。',
          '物业每回都是凑合修修，从不彻底检修，维保记录也不公开。'],
         ['楼里住着很多老人和残疾人，电梯一坏只能爬二十多层楼梯。',
          '楼上住了不少老人和残疾人，电梯坏了就只能走二十几层楼梯。']],
        [['物业公司未经业主大会同意，从今年一月起把物业费从每平方米一元五角涨到两元八角。',
          '今年一月开始，物业公司没经过业主大会就把物业费由每平米一块五涨到两块八。'],
         ['涨价以后服务反而更差了，垃圾经常两三天没人清运，绿化也没人管。',
          '涨价后服务更差，垃圾常常两三天不清运，绿化也无人打理。'],
         ['业主不交就被停水停电，物业还威胁要起诉我们。',
          '不交钱就停水停电，物业还扬言要告我们。']],
        [['小区地下车位本来是业主共有的，物业公司却把车位以每个二十万元卖给外来人员。',
          '地下车位属于全体业主共有，物业却以每个二十万的价格卖给小区外的人。'],
         ['业主要停车只能按月高价租，每月八百元，比周边小区贵一倍。',
          '业主停车只能高价月租，一个月八百块，是周边小区的两倍。'],
         ['我们要求物业公开车位产权证明和收支账目，物业一直推脱不给。',
          '我们让物业公开车位产权证明和收支账目，物业始终推三阻四。']],
        [['我家楼上{room}室的下水管道破裂，污水顺着墙往我家卫生间和卧室渗。',
          '楼上{room}室下水管裂了，脏水沿着墙面渗进我家卫生间和卧室。'],
         ['墙皮大面积脱落，木地板泡坏了，家具也发了霉。',
          '墙皮掉了一大片，木地板被泡坏，家具发霉。'],
         ['物业说是楼上住户的责任，楼上住户说是公共管道归物业管，互相推诿。',
          '物业称该由楼上负责，楼上说公共管道归物业，双方相互推脱。']],
    ],
    'wages': [
        [['我们一共{n}名工人在{company}承建的{project}项目干活，从去年三月一直干到十二月。',
          '我们{n}个工人去年三月到十二月在{company}的{project}项目上做工。'],
         ['包工头{boss}至今拖欠我们工资共计{amount}元，人均两万多元。',
          '包工头{boss}到现在还欠着我们{amount}元工钱，每人两万多。'],
         ['我们多次去项目部讨要，对方总说开发商没有拨款，让我们再等等。',
          '我们去项目部要了很多次，每次都说开发商没给钱，叫我们继续等。']],
        [['我在{shop}当服务员，老板已经连续四个月没有发工资，共欠我{amount}元。',
          '我是{shop}的服务员，老板四个月没发工资了，一共欠我{amount}元。'],
         ['饭店上个月突然关门，老板电话打不通，人也找不到了。',
          '上个月饭店忽然停业，老板的电话打不通，人也联系不上。'],
         ['我们二十多个员工都是外地人，没有工资连房租都交不起。',
          '店里二十几个员工都是外地来的，拿不到工资连房租都付不起。']],
        [['我在{company}车间工作三年，公司长期安排每天加班四个小时，却从来不按规定支付加班费。',
          '我在{company}的车间干了三年，公司一直让我们每天加班四小时，但从不按规定给加班费。'],
         ['公司也没有给我们缴纳社会保险，劳动合同也一直不给我们本人。',
          '公司没给我们交社保，劳动合同也从来没发给本人。'],
         ['我去年向劳动监察大队投诉过，公司只补了一小部分。',
          '去年我找过劳动监察大队，公司只补发了很少一部分。']],
    ],
    'demolition': [
        [['我家位于{village}的房屋在{year}年被列入征收范围，评估公司给出的补偿价格每平方米只有三千多元。',
          '{year}年我家在{village}的房子被划进征收范围，评估公司给的补偿每平米才三千出头。'],
         ['同一片区的邻居家补偿却达到每平方米六千元，明显不公平。',
          '可同一片区的邻居每平米补了六千元，这明显不公平。'],
         ['我们申请重新评估，征收办一直不予答复。',
          '我们提出重新评估的申请，征收办始终没有回复。']],
        [['今年{month}月{day}日凌晨，一伙人在没有任何手续的情况下强行拆除了我家的房屋。',
          '{month}月{day}号凌晨，一群人没出示任何手续就把我家房子强拆了。'],
         ['家里的家具、电器和存折全部被埋在废墟下面，至今无人过问。',
          '家具电器还有存折都埋在了废墟里，到现在都没人管。'],
         ['我们报了警，派出所说这是政府行为不予立案。',
          '我们当时报警了，派出所称属于政府行为，不给立案。']],
        [['我们{village}一百多户在{year}年签订了拆迁安置协议，约定两年内交付安置房。',
          '{year}年我们{village}一百多户签了拆迁安置协议，写明两年内交房。'],
         ['现在已经过去五年了，安置房还是一片空地，过渡费也从去年起停发了。',
          '五年过去了，安置房那里还是空地，去年开始连过渡费也不发了。'],
         ['很多老人在外面租房，有的已经去世了也没住上新房。',
          '不少老人一直在外租房住，有的到去世都没住上新房子。']],
    ],
    'pollution': [
        [['{village}附近的{company}每天夜里偷偷排放废气，刺鼻的气味熏得人头晕恶心。',
          '{company}就在{village}旁边，天天夜里偷排废气，气味刺鼻，闻了头晕想吐。'],
         ['村里好几个老人得了呼吸道疾病，孩子们经常咳嗽。',
          '村里已有多位老人患上呼吸道疾病，小孩也常常咳嗽。'],
         ['环保部门来检查时工厂就停产，检查人员一走又开始排放。',
          '环保局一来检查工厂就停工，检查的人一走马上接着排。']],
        [['{river}上游的养猪场把粪污直接排进河里，河水发黑发臭，鱼虾都死光了。',
          '{river}上游养猪场的粪水直排河道，河水又黑又臭，鱼虾全死了。'],
         ['下游几个村的农田都靠这条河灌溉，今年庄稼大面积减产。',
          '下游好几个村子靠这条河浇地，今年庄稼大面积减产。'],
         ['我们多次向镇政府反映，养猪场老板说他有关系，谁也管不了。',
          '我们找过镇政府好多次，养猪场老板扬言自己有后台，没人管得了。']],
        [['小区门口新建的垃圾中转站离居民楼不到二十米，每天臭气熏天，苍蝇蚊子到处飞。',
          '小区大门口新盖了个垃圾中转站，距离住宅楼不足二十米，天天恶臭，蚊蝇乱飞。'],
         ['垃圾车每天凌晨四点来清运，噪音很大，污水流得满地都是。',
          '每天凌晨四点垃圾车来拉垃圾，声音很吵，污水淌得到处都是。'],
         ['我们要求把垃圾站迁到远离居民区的地方。',
          '希望把这个垃圾站搬到离居民区远一点的地方。']],
    ],
    'building': [
        [['我们{building}号楼顶层住户{name2}在楼顶私自加盖了两间房，还搭了阳光棚。',
          '{building}号楼顶楼的{name2}擅自在楼顶加建了两间房子和一个阳光棚。'],
         ['加建以后楼顶防水层被破坏，下面几户人家一下雨就漏水。',
          '楼顶防水层因为加建被破坏了，一下雨下面几家就漏水。'],
         ['这些违建还存在很大的安全隐患，万一坍塌后果不堪设想。',
          '这些违章建筑安全隐患很大，一旦倒塌后果不堪设想。']],
        [['小区一楼住户把院子围墙往外扩了三米多，占用了公共绿地，还盖了一间彩钢房开小卖部。',
          '一楼有住户把院墙向外扩出三米多，占了公共绿地，又搭了间彩钢房开小卖店。'],
         ['消防通道被堵住一半，救护车和消防车根本开不进来。',
          '消防通道被占了一半，救护车消防车都进不来。'],
         ['城管来看过，说要拆，但是过了半年也没拆。',
          '城管来现场看过，说要拆除，可半年过去了还没拆。']],
    ],
    'heating': [
        [['今年供暖季开始以来，我家室内温度一直只有十二三度，远远达不到十八度的标准。',
          '入冬供暖以来，我家屋里一直只有十二三度，离十八度的标准差得很远。'],
         ['供热公司派人测过温，承认不达标，但一直没有维修。',
          '热力公司来人测了温度，也承认不达标，可就是不修。'],
         ['家里老人孩子都冻感冒了，只能开电暖器，电费一个月要六七百元。',
          '老人和孩子都冻感冒了，只好开电暖气，每月电费六七百。']],
        [['我家房子一直空着没有人住，已经按规定办理了停暖手续，供热公司却仍然要求我全额缴纳取暖费。',
          '我家的房子一直空置，按规定办了停暖，可供热公司还是让我交全额取暖费。'],
         ['不交就不给开具证明，影响我办理房屋过户。',
          '不交钱就不开证明，耽误了我办房屋过户。'],
         ['我查过政策，停暖用户只需要交百分之二十的基础热费。',
          '按照政策规定，办了停暖的用户只交百分之二十的基础热费。']],
    ],
    'medical': [
        [['我母亲今年{month}月在{hospital}做胆囊手术，术后出现大出血，医院抢救不及时导致她去世。',
          '{month}月我母亲在{hospital}做了胆囊手术，术后大出血，因医院抢救不及时去世。'],
         ['医院拒绝提供完整病历，还篡改了手术记录。',
          '院方不给我们完整病历，手术记录也被改过。'],
         ['我们要求卫健委组织医疗事故鉴定，追究相关医生的责任。',
          '请卫健委组织医疗事故鉴定，追究有关医生的责任。']],
        [['我父亲患尿毒症需要长期透析，在{hospital}的透析费用一直不能按门诊慢特病报销。',
          '我父亲得了尿毒症要长期做透析，可在{hospital}透析的费用始终没法按门诊慢特病报销。'],
         ['医保经办机构说资料不全，让我们来回跑了七八趟，每次要的材料都不一样。',
          '医保中心说材料不齐，我们前后跑了七八次，每次要的材料还不一样。'],
         ['家里已经为治病欠了十几万元外债，实在负担不起。',
          '为了看病家里已经欠下十几万的债，实在承担不起了。']],
    ],
    'school': [
        [['我们是{community}的业主，房子就在学区内，孩子今年却被分到了五公里外的学校。',
          '我家是{community}的业主，房子在学区范围内，可孩子今年被分去了五公里以外的学校。'],
         ['教育局说学位不够，但同小区有的孩子却能进对口学校。',
          '教育局称学位紧张，可同一小区有些孩子照样进了对口学校。'],
         ['我们怀疑招生中有暗箱操作，要求公开分配名单和规则。',
          '我们怀疑招生存在暗箱操作，请求公开分配规则和名单。']],
        [['{school}以兴趣班、资料费的名义每学期向每个学生收取八百元，不交的学生被老师点名批评。',
          '{school}每学期借兴趣班和资料费的名目向每名学生收八百元，没交的学生会被老师点名。'],
         ['这些费用没有任何收据，也没有经过家长委员会同意。',
          '收费不开任何收据，家委会也没同意过。'],
         ['希望教育局查处学校乱收费的问题，退还已收的费用。',
          '请教育局查处学校乱收费，把已经收的钱退回来。']],
    ],
    'welfare': [
        [['我丈夫去年因病去世，我一个人带着两个孩子，身体也不好，没有固定收入。',
          '去年我爱人病故，我独自带两个孩子，自己身体也差，没有稳定收入。'],
         ['今年社区突然取消了我家的低保，说是家里有车，可那辆车是我丈夫生前借钱买的二手面包车，早就报废了。',
          '社区今年忽然停了我家低保，理由是有车，其实那是丈夫生前借钱买的旧面包车，早已报废。'],
         ['请民政部门重新核查，恢复我家的低保待遇。',
          '恳请民政部门重新核实情况，恢复我家低保。']],
        [['我在{company}工作了三十年，退休后才发现单位有八年没有给我缴纳养老保险。',
          '我在{company}干了三十年，退了休才知道单位有八年没给我交养老保险。'],
         ['现在每个月养老金只有一千二百元，比同样工龄的同事少了一千多元。',
          '如今每月养老金才一千二，比工龄相同的同事少一千多。'],
         ['单位已经改制，社保局说让我们自己找原单位，原单位说找社保局。',
          '单位改制了，社保局叫我们找原单位，原单位又让找社保局。']],
    ],
}

OPEN = [
    '我叫{name}，住在{district}{street}{community}{building}号楼{unit}单元{room}室。',
    '反映人{name}，家住{district}{street}{community}{building}栋{room}。',
    '我是{district}{street}{community}的居民{name}。',
    '本人{name}，现住{district}{street}{community}{building}号楼{room}室，联系电话{phone}。',
]
HISTORY = [
    '此事已向社区、街道多次反映，至今没有得到解决。',
    '我从{month}月起多次拨打12345热线，对方答复会处理，但一直没有结果。',
    '之前已经向{office}反映过两次，一直没有人答复。',
    '我们去街道办找过好几次，每次都说正在协调。',
    '这个问题已经拖了大半年，相关部门一直互相推诿。',
    '去年曾经来信反映过，当时说会尽快处理，后来就没有下文了。',
]
DEMAND = [
    '恳请上级部门督促有关单位尽快解决。',
    '希望有关部门高度重视，尽快调查处理并给我们一个答复。',
    '请领导为我们做主，依法依规处理。',
    '请求政府部门依法处理，维护我们的合法权益。',
    '希望尽快解决，还我们一个正常的生活环境。',
]
EXTRA = [
    '这已经是我第三次来信反映了。',
    '附件是相关照片和材料。',
    '如有需要我可以配合调查。',
    '情况紧急，请尽快处理。',
]
SYN = [('反映', '反应'), ('多次', '好几次'), ('尽快', '尽早'), ('至今', '到现在'),
       ('没有', '未'), ('要求', '希望'), ('解决', '处理'), ('非常', '特别'),
       ('特别', '非常'), ('根本', '完全'), ('一直', '始终'), ('我们', '我们大家'),
       ('恳请', '请求'), ('有关部门', '相关部门'), ('已经', '已'), ('现在', '目前'),
       ('每天', '天天'), ('立即', '马上'), ('小区', '社区'), ('问题', '情况')]

NAMES = ['张建国', '李秀英', '王海燕', '刘志强', '陈桂兰', '杨军', '赵丽华', '黄伟',
         '周敏', '吴德明', '徐春梅', '孙立新', '马玉兰', '朱国庆', '胡晓东', '郭淑珍']
DISTRICTS = ['朝阳区', '海淀区', '丰台区', '西城区', '东城区', '通州区', '大兴区', '昌平区']
STREETS = ['和平街道', '建外街道', '八里庄街道', '学院路街道', '新街口街道', '永定门外街道',
           '北苑街道', '梨园镇']
COMMUNITIES = ['阳光花园', '幸福里小区', '金色家园', '和谐雅苑', '华龙苑', '锦绣小区',
               '翠微西里', '望京新城', '富力城', '康乐里']
COMPANIES = ['宏达建设集团', '恒信化工有限公司', '远大机械厂', '华兴建筑公司',
             '鑫源食品公司', '东方精密制造厂', '城建七公司', '金鼎实业']
SHOPS = ['川味人家饭店', '老北京烤鸭店', '鸿运火锅店', '好再来餐馆', '金满楼酒家']
PROJECTS = ['滨河花园', '城南商业中心', '中医院新院区', '地铁六号线站前广场']
VILLAGES = ['东坝村', '西王庄村', '南辛庄', '马家堡村', '北店村', '小营村']
RIVERS = ['小清河', '凉水河', '温榆河', '北运河']
HOSPITALS = ['市第一人民医院', '区中医院', '协和分院', '市妇幼保健院']
SCHOOLS = ['第三实验小学', '育才中学', '光明小学', '第八中学']
PLACES = ['中心广场', '篮球场', '北门空地', '三号楼下']
OFFICES = ['区信访办', '街道办事处', '区住建委', '区城管执法局', '市民热线']
BOSSES = ['王某', '刘某军', '陈老板', '李某平']
FW_DIGITS = str.maketrans('0123456789', '０１２３４５６７８９')


def person(r):
    return {
        'name': r.choice(NAMES), 'district': r.choice(DISTRICTS), 'street': r.choice(STREETS),
        'community': r.choice(COMMUNITIES), 'building': str(r.randint(1, 30)),
        'unit': str(r.randint(1, 6)), 'room': str(r.randint(1, 30) * 100 + r.randint(1, 4)),
        'phone': '1%d%09d' % (r.choice([3, 5, 8]), r.randint(0, 999999999)),
    }


def facts(r):
    return {
        'name2': r.choice(NAMES), 'company': r.choice(COMPANIES), 'shop': r.choice(SHOPS),
        'project': r.choice(PROJECTS), 'village': r.choice(VILLAGES), 'river': r.choice(RIVERS),
        'hospital': r.choice(HOSPITALS), 'school': r.choice(SCHOOLS), 'place': r.choice(PLACES),
        'office': r.choice(OFFICES), 'boss': r.choice(BOSSES), 'n': str(r.randint(8, 60)),
        'amount': str(r.randint(30, 900) * 1000), 'year': str(r.randint(2015, 2023)),
        'month': str(r.randint(1, 12)), 'day': str(r.randint(1, 28)),
    }


class Petition:
    """One petition as its parts, so that a variant can change one part."""

    def __init__(self, r, cat, idx, who=None):
        self.who = dict(who or person(r))
        self.fill = facts(r)
        self.opening = r.choice(OPEN)
        self.core = [list(s) for s in C[cat][idx]]
        self.pick = [0] * len(self.core)
        self.history = r.choice(HISTORY)
        self.demand = r.choice(DEMAND)
        self.extra = None

    def sentences(self):
        v = dict(self.fill, **self.who)
        out = [self.opening.format(**v)]
        out += [s[p].format(**v) for s, p in zip(self.core, self.pick)]
        out += [self.history.format(**v), self.demand.format(**v)]
        if self.extra:
            out.append(self.extra)
        return out

    def text(self):
        return ''.join(self.sentences())


def copy(p):
    q = Petition.__new__(Petition)
    q.__dict__ = {k: (list(map(list, v)) if k == 'core' else
                      list(v) if isinstance(v, list) else
                      dict(v) if isinstance(v, dict) else v) for k, v in p.__dict__.items()}
    return q


def reword(r, p):
    """One sentence said the other way, and a few words swapped for synonyms."""
    q = copy(p)
    i = r.randrange(len(q.core))
    q.pick[i] = 1
    t = q.text()
    for a, b in r.sample(SYN, len(SYN)):
        if a in t and r.random() < 0.5:
            t = t.replace(a, b, 1)
    return t


def typos(r, text, rate):
    """Characters deleted, doubled, or replaced by a neighbour in a stock of common ones."""
    common = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严'
    out = []
    for ch in text:
        x = r.random()
        if x < rate / 3:
            continue
        if x < 2 * rate / 3:
            out.append(ch + ch)
        elif x < rate:
            out.append(r.choice(common))
        else:
            out.append(ch)
    return ''.join(out)


def reorder(r, p):
    """The complaint's sentences and the stock phrases in another order."""
    s = p.sentences()
    body = s[1:]
    r.shuffle(body)
    return s[0] + ''.join(body)


def readdress(r, p):
    """The address written differently: another form, a missing part, or a moved room."""
    q = copy(p)
    k = r.randrange(3)
    if k == 0:
        q.opening = r.choice([o for o in OPEN if o != p.opening])
    elif k == 1:
        q.who['room'] = str(r.randint(1, 30) * 100 + r.randint(1, 4))
        q.who['building'] = str(r.randint(1, 30))
    else:
        q.who['district'] = ''
        q.who['street'] = ''
    return q.text()


def punctuate(r, p):
    """Punctuation swapped, spaces and line breaks added, digits full-width."""
    t = p.text()
    t = t.replace('，', r.choice([' ', ',', '、', '  '])).replace('。', r.choice(['！', '. ', '；', '\u3000']))
    t = t.translate(FW_DIGITS) if r.random() < 0.5 else t
    return '【来信】' + t if r.random() < 0.5 else t + '……'


def trim(r, p):
    """A sentence dropped, or one added."""
    q = copy(p)
    if r.random() < 0.5:
        q.extra = r.choice(EXTRA)
        return q.text()
    s = q.sentences()
    del s[r.randrange(1, len(s))]
    return ''.join(s)


def combo(r, p):
    """Two or three of the above at once."""
    q = copy(p)
    q.pick[r.randrange(len(q.core))] = 1
    if r.random() < 0.5:
        q.who['room'] = str(r.randint(1, 30) * 100 + r.randint(1, 4))
    if r.random() < 0.5:
        q.extra = r.choice(EXTRA)
    s = q.sentences()
    if r.random() < 0.5:
        body = s[1:]
        r.shuffle(body)
        s = s[:1] + body
    return typos(r, '，'.join(x.rstrip('。') for x in s) + '。', 0.02)


DUPS = [('reword', 30, reword), ('typo', 25, lambda r, p: typos(r, p.text(), 0.04)),
        ('reorder', 20, reorder), ('address', 20, readdress), ('punct', 15, punctuate),
        ('trim', 20, trim), ('combo', 25, combo)]


def main():
    r = random.Random(20260514)
    cats = sorted(C)
    rows = []

    def any_complaint():
        cat = r.choice(cats)
        return cat, r.randrange(len(C[cat]))

    for kind, count, fn in DUPS:
        for _ in range(count):
            cat, idx = any_complaint()
            p = Petition(r, cat, idx)
            rows.append((1, kind, p.text(), fn(r, p)))
    # not duplicates: another complaint of the same category by the same person, by
    # someone else, and a complaint of another category
    for kind, count in [('same-person', 50), ('same-category', 70), ('other-category', 35)]:
        for _ in range(count):
            cat, idx = any_complaint()
            p = Petition(r, cat, idx)
            if kind == 'other-category':
                cat2 = r.choice([c for c in cats if c != cat])
                q = Petition(r, cat2, r.randrange(len(C[cat2])))
            else:
                idx2 = r.choice([i for i in range(len(C[cat])) if i != idx])
                q = Petition(r, cat, idx2, p.who if kind == 'same-person' else None)
                if kind == 'same-person':  # the same person writes the same way
                    q.opening, q.history, q.demand = p.opening, p.history, p.demand
            rows.append((0, kind, p.text(), q.text()))
    with open(os.path.join(HERE, 'dup_pairs.tsv'), 'w', encoding='utf-8') as f:
        f.write('# label\tkind\ttext_a\ttext_b (written by gen_dup_pairs.py)\n')
        for label, kind, a, b in rows:
            assert '\t' not in a + b and '\n' not in a + b
            f.write('%d\t%s\t%s\t%s\n' % (label, kind, a, b))
    print('%d pairs: %d duplicates' % (len(rows), sum(x[0] for x in rows)))


if __name__ == '__main__':
    main()

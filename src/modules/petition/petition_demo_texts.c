/* What the demonstration petitions say (petition_demo_texts.h): the units they go to, the
 * texts people write, the 处理意见书 that answer them, and people's names. Data only. */
#include "modules/petition/petition_demo_texts.h"

/* ---- Units --------------------------------------------------------------------------- */

/* The departments (at 朝阳区); those demo.c makes are found by name, the rest made here. */
const char *const petition_demo_depts[D_N] = {
    [D_HOUSING] = "朝阳区住房和城乡建设委员会",
    [D_CITY_MGMT] = "朝阳区城市管理委员会",
    [D_PLANNING] = "朝阳区规划和自然资源分局",
    [D_LABOR] = "朝阳区人力资源和社会保障局",
    [D_ENVIRONMENT] = "朝阳区生态环境局",
    [D_EDUCATION] = "朝阳区教育委员会",
    [D_HEALTH] = "朝阳区卫生健康委员会",
    [D_INSURANCE] = "朝阳区医疗保障局",
    [D_CIVIL] = "朝阳区民政局",
    [D_TRANSPORT] = "朝阳区交通委员会",
    [D_JUSTICE] = "朝阳区司法局",
    [D_DISCIPLINE] = "朝阳区纪委区监委",
    [D_ASSETS] = "朝阳区国有资产监督管理委员会",
    [D_AGRICULTURE] = "朝阳区农业农村局",
    [D_LETTERS] = "朝阳区信访办公室",
};

/* The streets with an office of their own among the units: they get most petitions. */
const struct petition_demo_town petition_demo_towns[] = {
    {"110105001000", "建外街道办事处"},     {"110105002000", "朝外街道办事处"},
    {"110105003000", "呼家楼街道办事处"},   {"110105004000", "三里屯街道办事处"},
    {"110105011000", "酒仙桥街道办事处"},   {"110105016000", "双井街道办事处"},
    {"110105017000", "劲松街道办事处"},     {"110105026000", "望京街道办事处"},
    {"110105028000", "十八里店地区办事处"}, {"110105036000", "金盏地区办事处"},
};

/* ---- What people write ---------------------------------------------------------------- */

const struct tmpl petition_demo_tmpls[] = {
    {"urban_construction", "grievance", "供暖温度不达标",
     "我们是{地}的居民，今年供暖季开始以来室内温度一直只有十四五度，家里有老人和小孩，多次向物业和"
     "供热公司反映均未解决，请求有关部门督促供热单位尽快整改，保障室温达到标准。",
     D_HOUSING, F_COLLECTIVE | F_WINTER, 8},
    {"urban_construction", "grievance", "物业服务不到位、擅自上调物业费",
     "{地}某小区物业公司长期不履行服务合同，楼道照明损坏、电梯频繁停运无人维修，却在未经业主大会"
     "同意的情况下上调物业费，请求住建部门依法查处并督促整改。",
     D_HOUSING, F_COLLECTIVE, 8},
    {"urban_construction", "grievance", "私搭乱建占用消防通道",
     "{地}一楼住户在公共绿地上私搭乱建彩钢板房，占用消防通道，存在安全隐患，居民多次劝阻无果，"
     "请求城管部门依法拆除。",
     D_CITY_MGMT, 0, 6},
    {"urban_construction", "grievance", "老旧小区加装电梯推进缓慢",
     "{地}老旧小区加装电梯项目去年已完成意见征询，至今迟迟没有开工，请求街道和住建部门说明原因并"
     "加快推进。",
     D_TOWN, 0, 4},
    {"urban_construction", "grievance", "雨天小区积水严重",
     "{地}小区排水管网老化，每逢下雨地下车库和单元门口积水严重，请求有关部门对排水设施进行改造。",
     D_HOUSING, 0, 3},
    {"urban_construction", "grievance", "垃圾清运不及时",
     "{地}小区垃圾分类桶站满溢，垃圾经常隔天才清运，夏季异味明显、蚊蝇滋生，请求城管部门督促清运"
     "单位按时清运。",
     D_CITY_MGMT, 0, 4},
    {"land", "grievance", "征收补偿标准不公",
     "我家位于{地}的房屋在棚户区改造项目中被征收，补偿标准明显低于同期周边项目，评估过程也不公开，"
     "请求有关部门重新核定补偿并公开评估依据。",
     D_PLANNING, F_COLLECTIVE, 5},
    {"land", "grievance", "安置房迟迟未交付",
     "{地}棚改项目安置房原定去年年底交付，至今仍未交房，周转费也已停发，我们一家只能租房居住，请求"
     "督促尽快交付安置房并补发周转费。",
     D_PLANNING, F_COLLECTIVE, 4},
    {"labor", "grievance", "拖欠农民工工资",
     "我们在{地}附近一处建筑工地务工，施工单位拖欠我们二十多名工人工资共计四十余万元，已经半年多"
     "未支付，请求劳动保障部门帮助追讨。",
     D_LABOR, F_COLLECTIVE, 7},
    {"labor", "grievance", "公司拖欠工资和经济补偿金",
     "本人在{地}一家餐饮公司工作三年，公司停业后拖欠两个月工资及经济补偿金，负责人避而不见，请求"
     "劳动监察部门责令支付。",
     D_LABOR, 0, 6},
    {"labor", "grievance", "养老保险缴费年限认定有误",
     "本人即将退休，社保系统中九十年代在原单位的缴费年限未被认定，导致养老金核算偏低，请求社保部门"
     "核实并更正。",
     D_LABOR, 0, 3},
    {"environment", "grievance", "工地夜间施工噪音扰民",
     "{地}旁边的建筑工地连续多日夜间十点以后仍在施工，噪音很大，严重影响周边居民休息，请求生态环境"
     "部门依法查处。",
     D_ENVIRONMENT, F_COLLECTIVE, 6},
    {"environment", "grievance", "餐馆油烟直排扰民",
     "{地}底商一家烧烤店油烟未经净化直接排放，油烟和异味飘进居民家中，夏天无法开窗，请求有关部门"
     "责令整改。",
     D_ENVIRONMENT, 0, 5},
    {"environment", "grievance", "排水沟黑臭、疑有偷排",
     "{地}附近的排水沟近期有黑臭污水流入，气味刺鼻，怀疑有企业偷排，请求环保部门调查处理。",
     D_ENVIRONMENT, 0, 3},
    {"environment", "grievance", "广场舞音响噪音",
     "每天晚上{地}小区广场有广场舞活动，音响音量过大持续到晚上九点半以后，影响学生学习和老人休息，"
     "请求协调解决。",
     D_TOWN, 0, 4},
    {"education", "grievance", "子女入学划片不合理",
     "我家住在{地}，孩子今年上小学，按划片被分到距离较远的学校，而附近学校却不招收本小区学生，请求"
     "教育部门说明划片依据并重新考虑。",
     D_EDUCATION, 0, 5},
    {"education", "grievance", "随迁子女入学材料审核未通过",
     "本人在{地}居住和工作多年，孩子入学的材料审核一直未通过，审核部门未说明具体原因，请求教育部门"
     "予以答复。",
     D_EDUCATION, 0, 3},
    {"education", "suggestion", "建议增加普惠性幼儿园学位",
     "{地}周边新建小区较多，适龄儿童增长很快，附近公办幼儿园学位紧张，建议增设普惠性幼儿园。",
     D_EDUCATION, 0, 2},
    {"health", "grievance", "医保异地就医报销手续繁琐",
     "本人在外地住院治疗，回来后办理医保报销，被要求提供多项证明材料，往返多次仍未办结，请求医保"
     "部门简化手续、尽快报销。",
     D_INSURANCE, 0, 5},
    {"health", "grievance", "门诊慢特病报销比例与规定不符",
     "本人患有慢性病，在{地}附近的社区卫生服务中心开药，报销比例与规定不符，请求医保部门核查。",
     D_INSURANCE, 0, 3},
    {"health", "grievance", "社区卫生服务中心服务态度差",
     "{地}社区卫生服务中心部分医务人员服务态度生硬，挂号排队时间长，请求卫生健康部门加强管理。",
     D_HEALTH, 0, 3},
    {"civil_affairs", "grievance", "低保申请迟迟没有结果",
     "本人因病丧失劳动能力，家庭收入很低，向{地}社区申请最低生活保障，半年来没有结果，请求民政部门"
     "依法审核。",
     D_CIVIL, 0, 4},
    {"civil_affairs", "grievance", "养老驿站助餐收费上涨",
     "{地}的养老服务驿站助餐服务收费上涨且饭菜质量下降，老人意见很大，请求民政部门监督。", D_CIVIL,
     0, 3},
    {"civil_affairs", "suggestion", "建议增设社区老年餐桌",
     "{地}老年人口比例高，很多独居老人吃饭困难，建议在社区增设老年餐桌或助老食堂。", D_CIVIL, 0, 2},
    {"transport", "grievance", "共享单车乱停放占用盲道",
     "{地}地铁站出口共享单车大量堆放，占用人行道和盲道，请求有关部门加强管理。", D_TRANSPORT, 0, 3},
    {"transport", "suggestion", "建议开通社区微循环公交",
     "{地}居民到最近的地铁站需要步行二十多分钟，建议增设或调整社区公交线路，方便群众出行。",
     D_TRANSPORT, 0, 2},
    {"transport", "grievance", "小区周边违章停车堵塞道路",
     "{地}小区周边道路长期被违规停放车辆占用，早晚高峰拥堵严重，消防车无法通行，请求加强治理。",
     D_TRANSPORT, 0, 3},
    {"law", "grievance", "不服民间借贷纠纷判决",
     "本人与他人的民间借贷纠纷一案，法院判决认定事实不清，本人不服，请求有关部门重新处理。",
     D_JUSTICE, F_LEGAL, 2},
    {"law", "grievance", "装修损坏邻居房屋请求调解",
     "{地}楼上住户装修时改动墙体导致我家墙面开裂，多次协商未果，请求有关部门组织调解。", D_JUSTICE,
     0, 3},
    {"discipline", "accusation", "反映社区干部在保障房分配中优亲厚友",
     "反映{地}社区个别干部在保障房分配中优亲厚友、违规操作，请求纪检监察机关调查处理。",
     D_DISCIPLINE, 0, 2},
    {"discipline", "accusation", "反映征收工作人员收受好处",
     "反映{地}征收项目中有工作人员收受被征收人好处、违规提高补偿的问题，请求调查。", D_DISCIPLINE,
     0, 1},
    {"enterprise", "grievance", "企业改制职工安置补偿未兑现",
     "我们是原朝阳区一家国有企业的职工，企业改制时承诺的安置补偿至今未兑现，请求有关部门落实。",
     D_ASSETS, F_COLLECTIVE, 2},
    {"agriculture", "grievance", "集体土地流转租金被拖欠",
     "{地}集体土地流转给企业种植苗木，企业已拖欠两年租金，请求农业农村部门督促支付。",
     D_AGRICULTURE, F_COLLECTIVE, 2},
    {"other", "suggestion", "建议把闲置空地改造为口袋公园",
     "{地}附近有一块闲置空地长期堆放杂物，建议改造为口袋公园，方便居民休闲健身。", D_TOWN, 0, 2},
};

const struct reply petition_demo_replies[] = {
    {"urban_construction", "经现场核查，反映的问题基本属实，相关单位已作出说明。",
     "《北京市物业管理条例》《北京市供热采暖管理办法》"},
    {"land", "经核查，该项目补偿方案经区政府批准并已公示，评估由具有资质的机构作出。",
     "《国有土地上房屋征收与补偿条例》第十九条"},
    {"labor", "经劳动保障监察大队调查，用人单位确有未按时足额支付劳动报酬的情况。",
     "《保障农民工工资支付条例》《劳动保障监察条例》"},
    {"environment", "经执法人员夜间检查和监测，反映的问题部分属实。",
     "《中华人民共和国噪声污染防治法》《北京市大气污染防治条例》"},
    {"education", "经核查，入学划片按照本年度义务教育入学工作意见执行。",
     "《北京市义务教育入学工作的意见》"},
    {"health", "经核查，报销材料及比例按现行医保政策执行，部分材料可以免于提供。",
     "《北京市基本医疗保险规定》"},
    {"civil_affairs", "经核查，申请材料已受理，家庭经济状况核对正在进行。",
     "《社会救助暂行办法》《北京市最低生活保障审核审批办法》"},
    {"transport", "经现场核查，反映的停放和通行问题属实。", "《北京市非机动车管理条例》"},
    {"law", "经核查，当事人之间的纠纷属民事纠纷，已组织人民调解。", "《中华人民共和国人民调解法》"},
    {"discipline", "经初步核实，已按干部管理权限移交有关机关处理。", "《信访工作条例》第三十条"},
    {"enterprise", "经核查，改制安置方案已经职工代表大会通过，部分补偿尚未兑现。",
     "《信访工作条例》第三十二条"},
    {"agriculture", "经核查，流转合同约定的租金确未按期支付。", "《农村土地经营权流转管理办法》"},
    {"other", "经研究，所提建议具有一定可行性。", "《信访工作条例》第二十九条"},
};

const char *const petition_demo_reply_texts[3] = {
    "反映的问题属实，已责成有关单位限期整改，整改情况将向您反馈。",
    "经研究，现将有关政策规定和处理情况向您说明，请予理解。",
    "经调查，反映的问题缺乏事实依据，您的请求不予支持。",
};
const char *const petition_demo_reply_kinds[3] = {"support", "explain", "not_support"};

/* ---- People ---------------------------------------------------------------------------- */

const char *const petition_demo_surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧"};
const char *const petition_demo_given[] = {
    "建国", "秀英", "桂兰", "志强", "海燕", "丽华", "国庆", "淑珍", "春梅", "文军",
    "红霞", "振华", "玉兰", "德明", "晓东", "美玲", "立新", "凤英", "永刚", "桂芳",
    "子涵", "浩然", "欣怡", "宇航", "雅琴", "明辉", "秀兰", "金凤", "卫东", "丽娟"};

#define COUNT(x) (sizeof(x) / sizeof((x)[0]))
const size_t petition_demo_ntowns = COUNT(petition_demo_towns);
const size_t petition_demo_ntmpls = COUNT(petition_demo_tmpls);
const size_t petition_demo_nreplies = COUNT(petition_demo_replies);
const size_t petition_demo_nsurnames = COUNT(petition_demo_surnames);
const size_t petition_demo_ngiven = COUNT(petition_demo_given);

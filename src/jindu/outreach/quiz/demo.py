"""The quiz part of the seed scenario (called by ``outreach.demo.load``).

**The 690,000 participations of 2024-01-01 .. 2024-06-30 are an aggregate import**, not attempt rows: the
online prize quiz of the "6.26" publicity month (1-26 June 2024) ran on the office's former quiz platform,
which reported attempts and new participants per prefecture and day. Those counts are loaded as
:class:`QuizDailyCount` rows of the 6.26 campaign (7 prefectures plus "region not given" at 540000, 26 days)
summing to exactly 690,000 attempts and 431,250 new participants; ``jindu stats`` adds them to the real
attempts (none in that period). Real rows would have cost ~700,000 inserts per ``jindu demo`` for no figure
that the aggregate does not give; the platform's own quiz is demonstrated with real rows below.

**The quiz itself is real**: a question bank of 30 reviewed questions in 5 categories, every one in
Chinese and in Tibetan (text, options, explanation; ``TIBETAN``), and

- the autumn-term quiz "禁毒开学第一课" (September 2024, 10 questions, prizes), taken by 160 demo participants
  through the same service the public pages use (``play.start`` / ``play.submit`` at simulated times),
  closed, its candidates frozen and the prizes drawn with a published seed;
- an always-open practice quiz without prizes, to try the public pages (``/quiz/``).

Idempotent: found by natural keys (category codes, question refs, quiz codes, campaign/day/region).
"""

import datetime
import random

from django.utils import timezone

from jindu.common.importing import SYSTEM
from jindu.core.models import Region

from ..models import Campaign, School
from . import identity, play, services
from .choices import IdentityKind, QuestionStatus
from .models import (
    Participant,
    Question,
    QuestionCategory,
    Quiz,
    QuizAttempt,
    QuizDailyCount,
    QuizDraw,
    QuizDrawRule,
    QuizPrize,
)

ACTOR = SYSTEM
D = datetime.date
TOTAL_ATTEMPTS = 690_000
TOTAL_NEW_PARTICIPANTS = 431_250
LEGACY_DAYS = [D(2024, 6, 1) + datetime.timedelta(days=i) for i in range(26)]
# Share of the participations per prefecture (students and population), and "not given" at 540000.
PREFECTURE_WEIGHTS = [("540100", 24), ("540200", 23), ("540300", 18), ("540400", 7), ("540500", 10),
                      ("540600", 11), ("542500", 4), ("540000", 3)]
LEGACY_SOURCE = "原网络有奖答题平台按日按地市导出"
AUTUMN_CODE = "2024-autumn-first-lesson"
PRACTICE_CODE = "practice"

CATEGORIES = [
    ("law", "禁毒法律", "དུག་རྫས་བཀག་སྡོམ་ཁྲིམས་ལུགས།"),
    ("drugs", "毒品识别", "དུག་རྫས་ངོས་འཛིན།"),
    ("harm", "毒品危害", "དུག་རྫས་ཀྱི་གནོད་སྐྱོན།"),
    ("prevention", "预防与自护", "སྔོན་འགོག་དང་རང་སྲུང་།"),
    ("work", "禁毒工作", "དུག་རྫས་བཀག་སྡོམ་ལས་དོན།"),
]

# ref, category, kind, difficulty, text, options (first letters marked * are correct), explanation
QUESTIONS = [
    ("DEMO-001", "law", "single", 1, "《中华人民共和国禁毒法》自何时起施行？",
     ["*2008年6月1日", "1990年12月28日", "2015年1月1日", "2020年6月26日"],
     "《禁毒法》于2007年12月29日通过，自2008年6月1日起施行。"),
    ("DEMO-002", "law", "single", 2, "根据《刑法》第三百四十七条，走私、贩卖、运输、制造毒品，无论数量多少，都应当：",
     ["*追究刑事责任，予以刑事处罚", "只没收毒品", "给予警告", "数量少的不处罚"],
     "《刑法》第347条规定，走私、贩卖、运输、制造毒品，无论数量多少，都应当追究刑事责任，予以刑事处罚。"),
    ("DEMO-003", "law", "true_false", 2, "吸毒人员主动到公安机关登记，或者到有资质的医疗机构接受戒毒治疗的，不予处罚。",
     ["*对", "错"], "《禁毒法》第62条。"),
    ("DEMO-004", "law", "single", 1, "国际禁毒日是每年的哪一天？", ["*6月26日", "6月1日", "12月1日", "3月1日"],
     "1987年联合国确定每年6月26日为“国际禁毒日”。"),
    ("DEMO-005", "law", "multiple", 2, "下列哪些行为属于毒品违法犯罪行为？",
     ["*非法种植罂粟", "*容留他人吸食毒品", "向公安机关举报贩毒线索", "*非法持有毒品"],
     "非法种植毒品原植物、容留他人吸毒、非法持有毒品均为《刑法》或《治安管理处罚法》所禁止。"),
    ("DEMO-006", "law", "true_false", 1, "未成年人吸毒不违法。", ["对", "*错"],
     "任何人吸食、注射毒品都是违法行为，未成年人也不例外。"),
    ("DEMO-007", "law", "single", 3, "社区戒毒的期限为：", ["*3年", "1年", "2年", "5年"], "《禁毒法》第33条。"),
    ("DEMO-008", "law", "single", 3, "强制隔离戒毒的期限一般为：", ["*2年", "6个月", "1年", "3年"],
     "《禁毒法》第47条：强制隔离戒毒的期限为二年。"),
    ("DEMO-009", "drugs", "multiple", 1, "下列属于毒品的有：",
     ["*海洛因", "*甲基苯丙胺（冰毒）", "*氯胺酮（K粉）", "阿司匹林"], "阿司匹林是常用解热镇痛药，不是毒品。"),
    ("DEMO-010", "drugs", "single", 2, "“冰毒”的化学名称是：", ["*甲基苯丙胺", "二乙酰吗啡", "氯胺酮", "四氢大麻酚"],
     "冰毒即甲基苯丙胺，因外观似冰而得名。"),
    ("DEMO-011", "drugs", "single", 1, "海洛因是从哪种植物中提炼加工而来的？", ["*罂粟", "大麻", "古柯", "烟草"],
     "海洛因由罂粟所产鸦片中的吗啡加工而成。"),
    ("DEMO-012", "drugs", "true_false", 2, "“笑气”（一氧化二氮）被滥用会损害神经系统。", ["*对", "错"],
     "滥用笑气可导致神经系统损害，甚至瘫痪。"),
    ("DEMO-013", "drugs", "single", 3, "三唑仑在我国属于：", ["*第一类精神药品", "普通处方药", "保健品", "食品添加剂"],
     "三唑仑列入第一类精神药品管制，非法使用可致人昏迷，被不法分子称为“迷药”。"),
    ("DEMO-014", "drugs", "true_false", 1, "新型毒品有时会伪装成奶茶、跳跳糖、邮票等形态。", ["*对", "错"],
     "新型毒品常伪装成饮料、糖果，迷惑性强。"),
    ("DEMO-015", "drugs", "multiple", 3, "下列物质中被列为易制毒化学品的有：",
     ["*麻黄碱", "*醋酸酐", "食盐", "*高锰酸钾"], "见《易制毒化学品管理条例》品种目录。"),
    ("DEMO-016", "harm", "single", 1, "毒品最主要的特征是：", ["*成瘾性", "营养性", "治疗性", "无害性"],
     "毒品具有依赖性（成瘾性）、非法性和危害性。"),
    ("DEMO-017", "harm", "multiple", 1, "吸毒对个人的危害包括：",
     ["*损害身体健康", "*导致心理依赖", "*易感染艾滋病等疾病", "增强记忆力"], "吸毒严重损害身心健康。"),
    ("DEMO-018", "harm", "true_false", 1, "吸一次毒不会上瘾。", ["对", "*错"], "很多毒品吸食一次即可成瘾。"),
    ("DEMO-019", "harm", "single", 2, "共用注射器吸毒最容易传播的疾病是：", ["*艾滋病", "感冒", "近视", "龋齿"],
     "共用注射器是艾滋病、丙肝的重要传播途径。"),
    ("DEMO-020", "harm", "true_false", 2, "吸毒后驾驶机动车是违法行为。", ["*对", "错"],
     "吸毒后驾驶机动车违反《道路交通安全法》，将被注销驾驶证。"),
    ("DEMO-021", "prevention", "single", 1, "当有人劝你尝试毒品时，正确的做法是：",
     ["*坚决拒绝并及时离开", "出于好奇试一次", "为了面子接受", "先收下再说"], "对毒品要坚决说“不”。"),
    ("DEMO-022", "prevention", "multiple", 2, "预防毒品，我们应当做到：",
     ["*不结交有吸毒、贩毒行为的人", "*不进入未成年人不宜的娱乐场所", "*不随意接受陌生人的香烟、饮料",
      "心情不好时用药物解压"], "远离毒品，从养成良好习惯做起。"),
    ("DEMO-023", "prevention", "single", 1, "发现贩毒线索，可以拨打哪个电话举报？", ["*110", "119", "120", "12315"],
     "也可拨打当地禁毒举报电话。"),
    ("DEMO-024", "prevention", "true_false", 1, "在歌舞娱乐场所不随意接受陌生人提供的饮料，是预防毒品的好习惯。",
     ["*对", "错"], "不法分子可能在饮料中掺入毒品或麻精药品。"),
    ("DEMO-025", "prevention", "single", 2, "我国禁毒工作实行的方针是：",
     ["*预防为主，综合治理，禁种、禁制、禁贩、禁吸并举", "先治理后预防", "以打击为主", "以宣传为主"],
     "《禁毒法》第4条。"),
    ("DEMO-026", "work", "single", 1, "全民禁毒宣传月通常是每年的哪个月？", ["*6月", "1月", "9月", "12月"],
     "每年6月为全民禁毒宣传月。"),
    ("DEMO-027", "work", "true_false", 1, "学校应当把禁毒知识纳入教育、教学内容。", ["*对", "错"],
     "《禁毒法》第13条。"),
    ("DEMO-028", "work", "single", 2, "对举报毒品违法犯罪行为的人，国家：",
     ["*予以保护，对举报有功人员给予奖励", "不予理睬", "公开其姓名", "要求其自行调查"], "《禁毒法》第9条、第10条。"),
    ("DEMO-029", "work", "multiple", 2, "下列属于禁毒宣传“八进”对象的有：",
     ["*学校", "*农村", "*宗教活动场所", "国外使馆"],
     "“八进”：进机关、学校、企业、社区、农村、家庭、场所、宗教活动场所。"),
    ("DEMO-030", "work", "true_false", 1, "罂粟可以在自家院子里少量种植用来观赏。", ["对", "*错"],
     "种植罂粟无论多少都是违法行为，数量较大的构成犯罪。"),
]

# The same questions in Tibetan: ref -> (text, options in the same order or None for true/false, explanation).
# Chemical and drug names are transliterated, with the Chinese name where a reader may need it.
TIBETAN = {
    "DEMO-001": ("《ཀྲུང་ཧྭ་མི་དམངས་སྤྱི་མཐུན་རྒྱལ་ཁབ་ཀྱི་དུག་རྫས་བཀག་སྡོམ་ཁྲིམས》ནམ་ནས་ལག་བསྟར་བྱས་པ་ཡིན།",
                 ["༢༠༠༨ ལོའི་ཟླ་ ༦ ཚེས་ ༡", "༡༩༩༠ ལོའི་ཟླ་ ༡༢ ཚེས་ ༢༨", "༢༠༡༥ ལོའི་ཟླ་ ༡ ཚེས་ ༡", "༢༠༢༠ ལོའི་ཟླ་ ༦ ཚེས་ ༢༦"],
                 "《དུག་རྫས་བཀག་སྡོམ་ཁྲིམས》ནི་ ༢༠༠༧ ལོའི་ཟླ་ ༡༢ ཚེས་ ༢༩ ལ་གཏན་འཁེལ་བྱས་ཤིང་། ༢༠༠༨ ལོའི་ཟླ་ ༦ ཚེས་ ༡ ནས་ལག་བསྟར་བྱས།"),
    "DEMO-002": ("《ཉེས་ཁྲིམས》ཀྱི་དོན་ཚན་ ༣༤༧ པ་ལྟར། དུག་རྫས་གསང་འདྲེན་དང་། ཚོང་བ། འདྲེན་སྐྱེལ། བཟོ་བ་བཅས་བྱས་ན། གྲངས་འབོར་ཇི་ཙམ་ཡིན་རུང་།",
                 ["ཉེས་ཁྲིམས་ཀྱི་འགན་འཁྲི་ཞིབ་འདེད་བྱས་ཏེ་ཉེས་ཁྲིམས་ཀྱི་ཉེས་ཆད་གཏོང་དགོས།", "དུག་རྫས་ཁོ་ན་དབང་བཞེས་བྱེད།", "ཉེན་བརྡ་ཙམ་གཏོང་།",
                  "གྲངས་འབོར་ཉུང་ན་ཉེས་ཆད་མི་གཏོང་།"],
                 "《ཉེས་ཁྲིམས》ཀྱི་དོན་ཚན་ ༣༤༧ པར། དུག་རྫས་གསང་འདྲེན་དང་། ཚོང་བ། འདྲེན་སྐྱེལ། བཟོ་བ་བཅས་བྱས་ན་གྲངས་འབོར་ཇི་ཙམ་ཡིན་རུང་"
                 "ཉེས་ཁྲིམས་ཀྱི་འགན་འཁྲི་ཞིབ་འདེད་བྱས་ཏེ་ཉེས་ཆད་གཏོང་དགོས་ཞེས་གསལ།"),
    "DEMO-003": ("དུག་རྫས་ལེན་མཁན་གྱིས་རང་འགུལ་ངང་སྤྱི་བདེ་ལས་ཁུངས་སུ་ཐོ་འགོད་བྱས་པའམ། ཆོག་མཆན་ཡོད་པའི་སྨན་བཅོས་ལས་ཁུངས་སུ་དུག་འདོར་སྨན་བཅོས་"
                 "ཁས་བླངས་ན་ཉེས་ཆད་མི་གཏོང་།", None, "《དུག་རྫས་བཀག་སྡོམ་ཁྲིམས》ཀྱི་དོན་ཚན་ ༦༢ པ།"),
    "DEMO-004": ("དུག་རྫས་བཀག་སྡོམ་རྒྱལ་སྤྱིའི་ཉིན་མོ་ནི་ལོ་ལྟར་ཟླ་ཚེས་གང་ཡིན།",
                 ["ཟླ་ ༦ ཚེས་ ༢༦", "ཟླ་ ༦ ཚེས་ ༡", "ཟླ་ ༡༢ ཚེས་ ༡", "ཟླ་ ༣ ཚེས་ ༡"],
                 "༡༩༨༧ ལོར་རྒྱལ་ཚོགས་ཀྱིས་ལོ་ལྟར་ཟླ་ ༦ ཚེས་ ༢༦ ཉིན་“དུག་རྫས་བཀག་སྡོམ་རྒྱལ་སྤྱིའི་ཉིན་མོ”རུ་གཏན་འཁེལ་བྱས།"),
    "DEMO-005": ("གཤམ་གྱི་བྱ་སྤྱོད་གང་དག་དུག་རྫས་ཀྱི་ཁྲིམས་འགལ་ཉེས་གསོག་བྱ་སྤྱོད་ཡིན།",
                 ["ཡ་ཕིན་མེ་ཏོག་ཁྲིམས་འགལ་ངང་འདེབས་པ།", "གཞན་ལ་དུག་རྫས་ལེན་སའི་གནས་སྤྲོད་པ།",
                  "སྤྱི་བདེ་ལས་ཁུངས་སུ་དུག་རྫས་ཚོང་བའི་རྗེས་ཤུལ་སྙན་སེང་ཞུ་བ།", "ཁྲིམས་འགལ་ངང་དུག་རྫས་ཉར་བ།"],
                 "དུག་རྫས་ཀྱི་རྩ་བའི་སྔོ་ལྗང་ཁྲིམས་འགལ་ངང་འདེབས་པ་དང་། གཞན་ལ་དུག་རྫས་ལེན་སའི་གནས་སྤྲོད་པ། ཁྲིམས་འགལ་ངང་དུག་རྫས་ཉར་བ་བཅས་ནི་"
                 "《ཉེས་ཁྲིམས》སམ《སྤྱི་བདེ་དོ་དམ་ཉེས་ཆད་ཁྲིམས》ཀྱིས་བཀག་འགོག་བྱས་ཡོད།"),
    "DEMO-006": ("ན་ཆུང་ཚོས་དུག་རྫས་ལེན་ན་ཁྲིམས་འགལ་མ་ཡིན།", None,
                 "སུ་ཞིག་ཡིན་རུང་དུག་རྫས་ལེན་པ་དང་ཁབ་བརྒྱབ་ནས་སྤྱོད་པ་ནི་ཁྲིམས་འགལ་གྱི་བྱ་སྤྱོད་ཡིན་ཞིང་། ན་ཆུང་ཡང་དམིགས་བསལ་མིན།"),
    "DEMO-007": ("སྡེ་ཁུལ་དུ་དུག་འདོར་བའི་དུས་ཡུན་ནི།", ["ལོ་ ༣", "ལོ་ ༡", "ལོ་ ༢", "ལོ་ ༥"],
                 "《དུག་རྫས་བཀག་སྡོམ་ཁྲིམས》ཀྱི་དོན་ཚན་ ༣༣ པ།"),
    "DEMO-008": ("བཙན་ཤེད་ཀྱིས་ཁ་བྲལ་ནས་དུག་འདོར་བའི་དུས་ཡུན་སྤྱིར་བཏང་ནི།", ["ལོ་ ༢", "ཟླ་བ་ ༦", "ལོ་ ༡", "ལོ་ ༣"],
                 "《དུག་རྫས་བཀག་སྡོམ་ཁྲིམས》ཀྱི་དོན་ཚན་ ༤༧ པར། བཙན་ཤེད་ཀྱིས་ཁ་བྲལ་ནས་དུག་འདོར་བའི་དུས་ཡུན་ལོ་གཉིས་ཡིན་ཞེས་གསལ།"),
    "DEMO-009": ("གཤམ་གྱི་དངོས་པོ་གང་དག་དུག་རྫས་ཡིན།",
                 ["ཧེ་རོ་ཡིན།", "མེ་ཐེལ་ཨམ་ཕེ་ཊ་མིན།（ཤེལ་དུག）", "ཁེ་ཊ་མིན།（K ཕྱེ་མ）", "ཨ་སི་ཕི་རིན།"],
                 "ཨ་སི་ཕི་རིན་ནི་ཚ་བ་སེལ་བ་དང་ན་ཟུག་ཞི་བའི་སྨན་རྒྱུན་སྤྱོད་ཅིག་ཡིན་པས་དུག་རྫས་མ་ཡིན།"),
    "DEMO-010": ("“ཤེལ་དུག”གི་རྫས་སྦྱོར་མིང་ནི།",
                 ["མེ་ཐེལ་ཨམ་ཕེ་ཊ་མིན།", "ཌའི་ཨེ་སེ་ཊིལ་མོར་ཕིན།（二乙酰吗啡）", "ཁེ་ཊ་མིན།", "ཊེ་ཊ་ཧའི་ཌྲོ་ཀ་ནབ་བི་ནོལ།（四氢大麻酚）"],
                 "ཤེལ་དུག་ནི་མེ་ཐེལ་ཨམ་ཕེ་ཊ་མིན་ཡིན། དབྱིབས་ཤེལ་དང་འདྲ་བས་མིང་དེ་ལྟར་ཐོགས།"),
    "DEMO-011": ("ཧེ་རོ་ཡིན་ནི་རྩི་ཤིང་གང་ལས་བཙལ་ནས་བཟོས་པ་ཡིན།", ["ཡ་ཕིན་མེ་ཏོག", "སོ་མ་ར་ཙ།", "ཁོ་ཀ", "ཐ་མག"],
                 "ཧེ་རོ་ཡིན་ནི་ཡ་ཕིན་མེ་ཏོག་ལས་ཐོན་པའི་ཡ་ཕིན་ནང་གི་མོར་ཕིན་ལས་བཟོས་པ་ཡིན།"),
    "DEMO-012": ("“བགད་རླངས”（N₂O）ལོག་སྤྱོད་བྱས་ན་རྩ་དཀར་མ་ལག་ལ་གནོད་སྐྱོན་ཐེབས།", None,
                 "བགད་རླངས་ལོག་སྤྱོད་བྱས་ན་རྩ་དཀར་མ་ལག་ལ་གནོད་སྐྱོན་ཐེབས་ཏེ། ཡན་ལག་འགུལ་མི་ཐུབ་པ་ཡང་སྲིད།"),
    "DEMO-013": ("ཐྲའི་ཨ་ཛོ་ལམ།（三唑仑）ནི་ང་ཚོའི་རྒྱལ་ཁབ་ཏུ་གང་ལ་གཏོགས།",
                 ["རིམ་པ་དང་པོའི་སེམས་ཁམས་སྨན་རྫས།", "སྨན་ཐོ་དགོས་པའི་སྨན་རྒྱུན་པ།", "འཕྲོད་བསྟེན་ཟས་རིགས།", "ཟས་ཀྱི་སྣོན་རྫས།"],
                 "ཐྲའི་ཨ་ཛོ་ལམ་ནི་རིམ་པ་དང་པོའི་སེམས་ཁམས་སྨན་རྫས་སུ་ཚོད་འཛིན་བྱེད་ཀྱི་ཡོད། ཁྲིམས་འགལ་ངང་བེད་སྤྱོད་བྱས་ན་མི་བརྒྱལ་དུ་འཇུག་ཐུབ་པས། "
                 "ཁྲིམས་འགལ་བ་ཚོས་“བརྒྱལ་སྨན”ཞེས་འབོད།"),
    "DEMO-014": ("དུག་རྫས་གསར་པ་རེས་འགའ་འོ་ཇ་དང་། ཀ་ར། སྦྲག་རྟགས་སོགས་ཀྱི་རྣམ་པར་བརྫུས་ཡོད།", None,
                 "དུག་རྫས་གསར་པ་མང་པོ་འཐུང་བྱ་དང་ཀ་ར་སོགས་སུ་བརྫུས་ཡོད་པས་ངོས་འཛིན་དཀའ།"),
    "DEMO-015": ("གཤམ་གྱི་དངོས་རྫས་གང་དག་དུག་རྫས་བཟོ་སླ་བའི་རྫས་སྦྱོར་དངོས་ཟོག་ཏུ་བགྲངས་ཡོད།",
                 ["ཨེ་ཧྥེ་ཌྲིན།（麻黄碱）", "ཨེ་སེ་ཊིག་ཨན་ཧའི་ཌྲའིཌ།（醋酸酐）", "ཚྭ།", "ཕོ་ཊ་སིམ་པར་མང་ག་ནེཊ།（高锰酸钾）"],
                 "《དུག་རྫས་བཟོ་སླ་བའི་རྫས་སྦྱོར་དངོས་ཟོག་དོ་དམ་སྒྲིག་སྲོལ》ཀྱི་རིགས་ཐོར་གཟིགས།"),
    "DEMO-016": ("དུག་རྫས་ཀྱི་ཁྱད་ཆོས་གཙོ་བོ་ནི།", ["གོམས་ཆགས་རང་བཞིན།", "བཅུད་ལྡན་རང་བཞིན།", "ནད་བཅོས་རང་བཞིན།", "གནོད་མེད་རང་བཞིན།"],
                 "དུག་རྫས་ལ་བརྟེན་སྡོད་རང་བཞིན（གོམས་ཆགས་རང་བཞིན）དང་། ཁྲིམས་འགལ་རང་བཞིན། གནོད་སྐྱོན་རང་བཞིན་བཅས་ཡོད།"),
    "DEMO-017": ("དུག་རྫས་ལེན་པས་མི་སྒེར་ལ་ཐེབས་པའི་གནོད་སྐྱོན་ལ་གང་དག་ཡོད།",
                 ["ལུས་ཀྱི་བདེ་ཐང་ལ་གནོད་པ།", "སེམས་ཁམས་ཀྱི་བརྟེན་སྡོད་བྱུང་བ།", "ཨེ་ཚི་ནད་སོགས་ཀྱི་ནད་འགོ་ཕོག་སླ་བ།",
                  "དྲན་ཤེས་ཤུགས་ཆེ་རུ་གཏོང་བ།"],
                 "དུག་རྫས་ལེན་པས་ལུས་སེམས་གཉིས་ཀའི་བདེ་ཐང་ལ་གནོད་སྐྱོན་ཚབས་ཆེན་ཐེབས།"),
    "DEMO-018": ("དུག་རྫས་ཐེངས་གཅིག་ལེན་ན་གོམས་གཤིས་ཆགས་མི་སྲིད།", None,
                 "དུག་རྫས་མང་པོ་ཐེངས་གཅིག་ལེན་པ་ཙམ་གྱིས་གོམས་གཤིས་ཆགས་སྲིད།"),
    "DEMO-019": ("ཁབ་རྒྱག་ཡོ་བྱད་མཉམ་སྤྱོད་བྱས་ནས་དུག་རྫས་ལེན་ན་ནད་གང་འགོ་སླ་ཤོས་ཡིན།",
                 ["ཨེ་ཚི་ནད།", "ཆམ་པ།", "མིག་ཐག་ཉེ་བ།", "སོ་སྲིན།"],
                 "ཁབ་རྒྱག་ཡོ་བྱད་མཉམ་སྤྱོད་ནི་ཨེ་ཚི་ནད་དང་མཆིན་ཚད་ C རིགས་འགོ་བའི་ལམ་ཕྲན་གལ་ཆེན་ཞིག་ཡིན།"),
    "DEMO-020": ("དུག་རྫས་ལེན་རྗེས་འཁོར་ལོ་བཏང་ན་ཁྲིམས་འགལ་ཡིན།", None,
                 "དུག་རྫས་ལེན་རྗེས་འཁོར་ལོ་བཏང་ན《ལམ་འགྲུལ་བདེ་འཇགས་ཁྲིམས》ལ་འགལ་བས། ཁ་ལོ་བའི་ལག་ཁྱེར་རྩིས་མེད་གཏོང་རྒྱུ་ཡིན།"),
    "DEMO-021": ("མི་ཞིག་གིས་ཁྱེད་ལ་དུག་རྫས་ཚོད་ལྟ་བྱེད་དུ་བསྐུལ་ན་ཇི་ལྟར་བྱེད་དགོས།",
                 ["ཐག་གཅོད་ངང་ཁས་མི་ལེན་པར་འཕྲལ་དུ་ཕྱིར་ཐོན།", "ཡ་མཚན་པས་ཐེངས་གཅིག་ཚོད་ལྟ།", "ངོ་ཚ་བས་ཁས་ལེན།",
                  "སྔོན་ལ་ལེན་ནས་རྗེས་སུ་བསམ།"],
                 "དུག་རྫས་ལ་ཐག་གཅོད་ངང་“མིན”ཞེས་ཟེར་དགོས།"),
    "DEMO-022": ("དུག་རྫས་སྔོན་འགོག་བྱེད་པར་ང་ཚོས་གང་དག་བྱ་དགོས།",
                 ["དུག་རྫས་ལེན་པའམ་ཚོང་བའི་བྱ་སྤྱོད་ཡོད་པའི་མི་དང་འབྲེལ་བ་མི་བྱེད་པ།", "ན་ཆུང་ལ་མི་འོས་པའི་རྩེད་འཇོ་ས་ཚིགས་སུ་མི་འགྲོ་བ།",
                  "ངོ་མི་ཤེས་པའི་མིས་སྤྲད་པའི་ཐ་མག་དང་འཐུང་བྱ་གང་བྱུང་དུ་མི་ལེན་པ།", "སེམས་སྐྱོ་དུས་སྨན་རྫས་ལ་བརྟེན་ནས་སེམས་ཁྲལ་སེལ་བ།"],
                 "གོམས་གཤིས་བཟང་པོ་སྐྱེད་པ་ནས་འགོ་བཙུགས་ཏེ་དུག་རྫས་ལས་ཐག་རིང་དུ་གནས་དགོས།"),
    "DEMO-023": ("དུག་རྫས་ཚོང་བའི་རྗེས་ཤུལ་རྙེད་ན་ཁ་པར་ཨང་གྲངས་གང་ལ་སྙན་སེང་ཞུ་ཆོག", ["110", "119", "120", "12315"],
                 "ས་གནས་དེ་གའི་དུག་རྫས་བཀག་སྡོམ་སྙན་སེང་ཁ་པར་ལའང་ཁ་པར་གཏོང་ཆོག"),
    "DEMO-024": ("གླུ་གཞས་རྩེད་འཇོ་ས་ཚིགས་སུ་ངོ་མི་ཤེས་པའི་མིས་སྤྲད་པའི་འཐུང་བྱ་གང་བྱུང་དུ་མི་ལེན་པ་ནི་དུག་རྫས་སྔོན་འགོག་གི་གོམས་གཤིས་བཟང་པོ་ཞིག་ཡིན།",
                 None, "ཁྲིམས་འགལ་བ་ཚོས་འཐུང་བྱའི་ནང་དུ་དུག་རྫས་སམ་སྦྲིད་རྫས་དང་སེམས་ཁམས་སྨན་རྫས་བསྲེས་སྲིད།"),
    "DEMO-025": ("ང་ཚོའི་རྒྱལ་ཁབ་ཀྱི་དུག་རྫས་བཀག་སྡོམ་ལས་དོན་གྱི་ཕྱོགས་ཁ་ནི།",
                 ["སྔོན་འགོག་གཙོ་བོར་བཟུང་ནས་ཕྱོགས་བསྡུས་དོ་དམ་བྱེད་པ་དང་། འདེབས་པ། བཟོ་བ། ཚོང་བ། ལེན་པ་བཅས་མཉམ་དུ་བཀག་སྡོམ་བྱེད་པ།",
                  "སྔོན་ལ་དོ་དམ་བྱས་རྗེས་སྔོན་འགོག་བྱེད་པ།", "རྡུང་རྡེབ་གཙོ་བོར་འཛིན་པ།", "དྲིལ་བསྒྲགས་གཙོ་བོར་འཛིན་པ།"],
                 "《དུག་རྫས་བཀག་སྡོམ་ཁྲིམས》ཀྱི་དོན་ཚན་ ༤ པ།"),
    "DEMO-026": ("མང་ཚོགས་ཡོངས་ཀྱི་དུག་རྫས་བཀག་སྡོམ་དྲིལ་བསྒྲགས་ཟླ་བ་ནི་ལོ་ལྟར་ཟླ་བ་གང་ཡིན།",
                 ["ཟླ་བ་དྲུག་པ།", "ཟླ་བ་དང་པོ།", "ཟླ་བ་དགུ་པ།", "ཟླ་བ་བཅུ་གཉིས་པ།"],
                 "ལོ་ལྟར་ཟླ་བ་དྲུག་པ་ནི་མང་ཚོགས་ཡོངས་ཀྱི་དུག་རྫས་བཀག་སྡོམ་དྲིལ་བསྒྲགས་ཟླ་བ་ཡིན།"),
    "DEMO-027": ("སློབ་གྲྭས་དུག་རྫས་བཀག་སྡོམ་གྱི་ཤེས་བྱ་སློབ་གསོ་དང་སློབ་ཁྲིད་ཀྱི་ནང་དོན་དུ་བཅུག་དགོས།", None,
                 "《དུག་རྫས་བཀག་སྡོམ་ཁྲིམས》ཀྱི་དོན་ཚན་ ༡༣ པ།"),
    "DEMO-028": ("དུག་རྫས་ཀྱི་ཁྲིམས་འགལ་ཉེས་གསོག་བྱ་སྤྱོད་སྙན་སེང་ཞུ་མཁན་ལ་རྒྱལ་ཁབ་ཀྱིས།",
                 ["སྲུང་སྐྱོབ་བྱེད་པ་དང་། སྙན་སེང་ལ་ཕན་ནུས་ཐོན་མཁན་ལ་བྱ་དགའ་སྤྲོད།", "དོ་སྣང་མི་བྱེད།", "ཁོ་ཚོའི་མིང་ཁྱབ་བསྒྲགས་བྱེད།",
                  "ཁོ་ཚོ་རང་ཉིད་ཀྱིས་ཞིབ་དཔྱད་བྱེད་དུ་འཇུག"],
                 "《དུག་རྫས་བཀག་སྡོམ་ཁྲིམས》ཀྱི་དོན་ཚན་ ༩ པ་དང་ ༡༠ པ།"),
    "DEMO-029": ("གཤམ་གྱི་གང་དག་དུག་རྫས་བཀག་སྡོམ་དྲིལ་བསྒྲགས་“ས་ཆ་བརྒྱད་དུ་འཛུལ་བ”ཡི་ཡུལ་ཡིན།",
                 ["སློབ་གྲྭ།", "གྲོང་གསེབ།", "ཆོས་ལུགས་བྱ་འགུལ་ས་ཚིགས།", "ཕྱི་རྒྱལ་སྐུ་ཚབ་ཁང་།"],
                 "“ས་ཆ་བརྒྱད་དུ་འཛུལ་བ”ནི། ལས་ཁུངས་དང་། སློབ་གྲྭ། ཁེ་ལས། སྡོད་ཁུལ། གྲོང་གསེབ། ཁྱིམ་ཚང་། ས་ཚིགས། ཆོས་ལུགས་བྱ་འགུལ་ས་ཚིགས་བཅས་སུ་"
                 "འཛུལ་བ་ཡིན།"),
    "DEMO-030": ("ཡ་ཕིན་མེ་ཏོག་རང་ཁྱིམ་གྱི་ར་བར་ཉུང་ཙམ་བཏབ་ནས་ལྟད་མོར་བྱེད་ཆོག", None,
                 "ཡ་ཕིན་མེ་ཏོག་ཇི་ཙམ་བཏབ་རུང་ཁྲིམས་འགལ་ཡིན་ལ། གྲངས་འབོར་ཅུང་ཆེ་ན་ཉེས་གསོག་ཏུ་འགྱུར།"),
}

NICKNAMES = ["扎西", "卓玛", "次仁", "央金", "格桑", "拉姆", "旺堆", "德吉", "平措", "曲珍", "小明", "小红", "阳光少年",
             "雪域雄鹰", "格桑花", "高原之子"]


def region(code):
    return Region.objects.get(code=code)


def load():
    categories = _categories()
    _questions(categories)
    _legacy_counts()
    practice = _practice_quiz(categories)
    autumn = _autumn_quiz(categories)
    _autumn_attempts(autumn)
    _autumn_draw(autumn)
    play.forget()
    return {"autumn": autumn, "practice": practice}


def _categories():
    found = {}
    for code, name_zh, name_bo in CATEGORIES:
        category = QuestionCategory.objects.filter(code=code).first()
        if category is None:
            category = services.record_create(actor=ACTOR, model=QuestionCategory,
                                              data={"code": code, "name_zh": name_zh, "name_bo": name_bo})
        found[code] = category
    return found


def _questions(categories):
    for ref, category, kind, difficulty, text, options, explanation in QUESTIONS:
        if Question.objects.filter(ref=ref).exists():
            continue
        text_bo, options_bo, explanation_bo = TIBETAN[ref]
        option_rows = [{"zh": option.lstrip("*"), "bo": (options_bo[i] if options_bo else "")}
                       for i, option in enumerate(options)]
        answer = [i for i, option in enumerate(options) if option.startswith("*")]
        services.question_create(actor=ACTOR, data={
            "ref": ref, "region": region("540000"), "category": categories[category], "kind": kind,
            "difficulty": difficulty, "text_zh": text, "text_bo": text_bo, "options": option_rows, "answer": answer,
            "explanation_zh": explanation, "explanation_bo": explanation_bo, "status": QuestionStatus.APPROVED})


def _split(total, weights):
    """``total`` split in proportion to ``weights``, exactly (largest remainders)."""
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % whole))
    for i in remainders[:total - sum(shares)]:
        shares[i] += 1
    return shares


def _legacy_counts():
    """690,000 attempts and 431,250 new participants of the 6.26 month quiz, per day and prefecture."""
    campaign = Campaign.objects.get(name="2024年“6·26”国际禁毒日集中宣传月")
    if QuizDailyCount.objects.filter(campaign=campaign).exists():
        return
    rng = random.Random(626)
    # Participation rises towards 26 June (the day itself is the peak), with weekend dips.
    day_weights = [int(100 * (1 + i / 10) * (0.8 if day.weekday() >= 5 else 1) * (2.5 if day.day == 26 else 1)
                       * rng.uniform(0.9, 1.1)) for i, day in enumerate(LEGACY_DAYS)]
    attempts_by_day = _split(TOTAL_ATTEMPTS, day_weights)
    new_by_day = _split(TOTAL_NEW_PARTICIPANTS, [int(w * (140 - 2 * i)) for i, w in enumerate(day_weights)])
    weights = [w for _code, w in PREFECTURE_WEIGHTS]
    for day, attempts, new in zip(LEGACY_DAYS, attempts_by_day, new_by_day, strict=True):
        for (code, _w), a, p in zip(PREFECTURE_WEIGHTS, _split(attempts, weights), _split(new, weights), strict=True):
            services.record_create(actor=ACTOR, model=QuizDailyCount, data={
                "campaign": campaign, "day": day, "region": region(code), "attempts": a, "participants": min(a, p),
                "source": LEGACY_SOURCE})


def _quiz(code, data, rules, prizes):
    quiz = Quiz.objects.filter(code=code).first()
    if quiz is not None:
        return quiz
    quiz = services.quiz_create(actor=ACTOR, data={"code": code, "region": region("540000"), **data})
    for category, count in rules:
        services.quiz_part_change(actor=ACTOR, model=QuizDrawRule,
                                  data={"quiz": quiz, "category": category, "count": count})
    for order, (name, name_bo, count, min_score) in enumerate(prizes, start=1):
        services.quiz_part_change(actor=ACTOR, model=QuizPrize, data={
            "quiz": quiz, "name": name, "name_bo": name_bo, "count": count, "min_score": min_score, "order": order})
    return services.quiz_publish(actor=ACTOR, quiz=quiz)


def _aware(day, hour=0, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _practice_quiz(categories):
    return _quiz(PRACTICE_CODE, {
        "title": "禁毒知识天天练", "title_bo": "ཉིན་རེའི་དུག་རྫས་བཀག་སྡོམ་ཤེས་བྱ་སྦྱོང་བརྡར།",
        "description": "随时可以参加的禁毒知识练习，每次5题，每天3次，不设奖品。",
        "description_bo": "དུས་གང་ཡིན་ཡང་ཞུགས་ཆོག ཐེངས་རེར་དྲི་བ་ ༥ ཡོད།",
        "opens_at": _aware(D(2024, 7, 1)), "closes_at": _aware(D(2030, 12, 31), 23, 59), "time_limit_seconds": 300,
        "attempts_per_day": 3, "attempts_total": 300, "pass_mark": 60, "asks_region": True, "asks_school": False,
    }, [(None, 5)], [])


def _autumn_quiz(categories):
    return _quiz(AUTUMN_CODE, {
        "title": "2024年秋季学期“禁毒开学第一课”知识答题", "title_bo": "༢༠༢༤ ལོའི་སྟོན་དུས་སློབ་དུས་ཀྱི་དུག་རྫས་བཀག་སྡོམ་ཤེས་བྱའི་དྲི་ལན།",
        "description": "面向全区中小学生，每人每天1次、共3次，每次10题、限时10分钟；90分以上可参加抽奖。",
        "campaign": None, "opens_at": _aware(D(2024, 9, 1), 8), "closes_at": _aware(D(2024, 9, 30), 22),
        "time_limit_seconds": 600, "attempts_per_day": 1, "attempts_total": 3, "pass_mark": 60,
        "asks_region": True, "asks_school": True,
    }, [(categories["law"], 3), (categories["drugs"], 3), (categories["harm"], 2), (categories["prevention"], 2)],
        [("一等奖（禁毒主题书包）", "", 3, 100), ("二等奖（禁毒主题文具）", "", 10, 90),
         ("三等奖（禁毒宣传册）", "", 20, 80)])


def _participants(schools):
    participants = []
    for index in range(160):
        phone = f"1390891{index:04d}"
        hashed = identity.phone_hash(phone)
        participant = Participant.objects.filter(identity_kind=IdentityKind.PHONE, identity_hash=hashed).first()
        if participant is None:
            school = schools[index % len(schools)]
            participant = Participant.objects.create(
                code=f"DEMO{index:04d}", identity_kind=IdentityKind.PHONE, identity_hash=hashed, phone=phone,
                phone_tail=phone[-4:], nickname=f"{NICKNAMES[index % len(NICKNAMES)]}{index + 1}",
                under_14=index % 3 == 0, guardian_consent_at=_aware(D(2024, 9, 1), 8) if index % 3 == 0 else None,
                region=school.organisation.region, school=school)
        participants.append(participant)
    return participants


def _autumn_attempts(quiz):
    if QuizAttempt.objects.filter(quiz=quiz).exists():
        return
    rng = random.Random(20240901)
    schools = list(School.objects.select_related("organisation__region").order_by("organisation__name"))
    if not schools:
        return
    cfg = play.load_config(quiz)
    for index, participant in enumerate(_participants(schools)):
        claims = identity.Claims(participant.pk, participant.region_id, participant.school_id,
                                 participant.profile_version)
        skill = 0.55 + 0.45 * rng.random()  # how often this pupil knows the answer
        for day_offset in range(1 + index % 3):
            started = _aware(D(2024, 9, 2) + datetime.timedelta(days=index % 14 + 7 * day_offset), 15 + index % 5,
                             rng.randrange(60))
            entry, _resumed = play.start(cfg, claims, language="zh-hans", now=started)
            answers = [key if rng.random() < skill else [(key[0] + 1) % 4 if key else 0]
                       for _qid, _order, key in entry["paper"]]
            play.submit(cfg, entry, answers, now=started + datetime.timedelta(seconds=rng.randrange(90, 540)))


def _autumn_draw(quiz):
    if QuizDraw.objects.filter(quiz=quiz).exists():
        return
    frozen = _aware(D(2024, 10, 8), 10)
    services.draw_freeze(actor=ACTOR, quiz=quiz, now=frozen,
                         seed_source="中国福利彩票“福彩3D”2024年10月9日（第2024266期）开奖号码")
    services.draw_run(actor=ACTOR, quiz=quiz, seed="3 9 6", now=_aware(D(2024, 10, 9), 22))


"""Recognise web-scrape boilerplate by general patterns.

Breadcrumbs, page metadata and footers are kept in the document (nothing is
lost) but marked so that they never become the title or a section.  All
patterns are matched on *folded* text (tui.text.fold: full-width -> ASCII,
Traditional -> Simplified, lower case), so 版權所有 and 版权所有, ：and : are
the same to them.
"""

from __future__ import annotations

import re

from tui.text import Folded

_NAV_WORDS = r"(?:首页|主页|网站首页|返回首页|home|当前位置|正文)"
_LIST_MARK = r"(?:\d{1,2}\s*[.、)]\s*|[-*•·]\s*)?"

# A location keyword followed by what introduces a path: "当前位置：首页 > ...".
# ("标注积水点的所在位置，建立台账" is prose and must not match.)
BREADCRUMB_KEYWORD = re.compile(r"(您现在的位置|您的位置|您当前的位置|当前位置|现在位置|所在位置)\s*(?:是\s*)?[:>»›]")
_NAV_ITEM = re.compile(rf"^{_LIST_MARK}{_NAV_WORDS}\s*(?:[>»›→/|]|$)")
_SEPARATORS = re.compile(r"\s[>»›→|]\s|^[>»›→]|[>»›→]$|\s>|>\s")

META_KEYS = {
    "发布时间": "date",
    "发布日期": "date",
    "更新时间": "date",
    "时间": "date",
    "日期": "date",
    "来源": "source",
    "文章来源": "source",
    "作者": "author",
    "记者": "author",
    "撰稿": "author",
    "通讯员": "author",
    "责任编辑": "editor",
    "编辑": "editor",
    "责编": "editor",
    "摄影": "photo",
    "审核": "reviewer",
    "书名": "title",
    "撰文": "author",
    "执笔": "author",
    "浏览次数": None,
    "浏览量": None,
    "阅读量": None,
    "点击量": None,
    "本文字数": None,
    "字数": None,
    "点击数": None,
    "阅读数": None,
    "浏览": None,
    "字号": None,
    "字体": None,
    # WeChat-style credits ("文字｜小林", "编辑｜阿May") and meeting minutes
    "文字": "author",
    "文": "author",
    "图": "photo",
    "图片": "photo",
    "排版": None,
    "校对": None,
    "地点": "place",
    "主持人": None,
    "主持": None,
    "参会人员": None,
    "出席": None,
    "列席": None,
    "记录人": None,
    "记录": None,
}
_KEY_ALT = "|".join(sorted(map(re.escape, META_KEYS), key=len, reverse=True))
# "来源：新华网", "编辑｜阿May" (full-width ｜ folds to |), after an optional
# leading date: "2025-12-18 10:00 来源：新华社".
_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?:\s*日)?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
LEADING_DATE = re.compile(rf"^{_DATE}")
META_START = re.compile(rf"^[\[【(]?(?:{_DATE}\s+)?(?:{_KEY_ALT})\s*[:|]")
META_PAIR = re.compile(
    rf"(?:^|(?<=[\s\]】)|]))({_KEY_ALT})\s*[:|]\s*(.*?)(?=\s{{2,}}|\s*\|\s*|\s+/\s+|\s+(?:{_KEY_ALT})\s*[:|]|$)"
)
# WeChat/blog headers and ends: "原创 某某 2025-10-24 18:00 发表于上海", "— END —".
_POST_HEADER = re.compile(rf"^(?:原创\s.*)?{_DATE}.*发表于|^原创\s+\S+\s+{_DATE}|^[-—_=\s]*end[-—_=\s]*$")

# A strong footer marker starts the footer zone: what follows is boilerplate too.
# The marker must stand alone or be followed by what introduces its content
# (a colon, a space, ©, a year): "上一篇文章介绍了..." is prose.
STRONG_FOOTER = re.compile(
    r"^[\[【]?(版权声明|版权所有|copyright|©|联系我们|参考资料|随机推荐|相关阅读|相关文章|相关新闻|相关推荐|"
    r"推荐阅读|热门推荐|热门文章|猜你喜欢|上一篇|下一篇|免责声明|网站地图|关于我们|延伸阅读|相关附件|相关链接)"
    r"(?=$|[\s:|©(\[【\]】>»\d-])"
)
# Weak markers mark only their own (short) line.
WEAK_FOOTER = re.compile(
    r"(打印本页|关闭窗口|分享到|扫一扫|返回顶部|icp备|icp证|备案号|公网安备|"
    r"热线\s*:|信箱\s*:|邮箱\s*:|电话\s*:|传真\s*:|地址\s*:|邮编\s*:|e-?mail\s*:|复制分享|我要评论|"
    r"all rights reserved|字体\s*:|大\s+中\s+小|点击蓝字|关注我们|阅读原文|长按识别|二维码)"
)

# Page chrome: lines made only of the words of a toolbar, a skip link, an
# e-paper's or an encyclopedia's navigation ("下载 打印 全屏 收藏",
# "【字号：加大 还原 减小】", "[编辑]", "上一期 下一期").  Checked on short lines.
_CHROME_WORDS = (
    r"下载|打印|全屏|收藏|分享|字号|字体|加大|减小|放大|缩小|还原|默认|大|中|小|关闭|返回|顶部|"
    r"跳转到内容|跳到内容|跳转到导航|跳到导航|复制链接|锁定|编辑|上一期|下一期|上一版|下一版|往期|"
    r"我知道了|这已经是最后一期了哦|已经是最后一期了|维基百科|自由的百科全书|登录|注册|菜单|点赞|在看|转发|logo"
)
CHROME = re.compile(rf"^(?:[\s\[\]【】()|:,.!·/-]|{_CHROME_WORDS})+$|^\S{{0,20}}\s*logo$")
# Bylines: "【撰文：某某】", "撰稿 某某", "***作者为…***", "郁达夫 著".
BYLINE = re.compile(
    r"^[\[【(*_\s]*(?:撰文|撰稿|执笔|作者)\s*(?:为|是|:|\||\s)\s*[^。!?\s][^。!?]{0,29}[\]】)*_\s]*$"
    r"|^[^\s。,!?:]{2,12}\s+(?:著|编著|编|译|撰)$"
)

SENTENCE_END = "。!?…~"

# Every boilerplate rule needs one of these; lines without any are skipped
# with one search (most lines of a long document).
HINT = re.compile(
    BREADCRUMB_KEYWORD.pattern
    + r"|[>»›→:|©]|版权|copyright|联系我们|参考资料|推荐|相关|猜你喜欢|上一篇|下一篇|免责声明|网站地图|关于我们|延伸阅读|"
    + r"发表于|end|"
    + WEAK_FOOTER.pattern[1:-1]
)


def may_be_boilerplate(key: str) -> bool:
    # Every rule has a length bound of at most 400: long lines are prose.
    return len(key) <= 400 and HINT.search(key) is not None


def is_breadcrumb(key: str, before_title: bool) -> bool:
    if len(key) <= 200 and BREADCRUMB_KEYWORD.search(key):
        return True
    if not before_title or len(key) > 80:
        return False
    if _NAV_ITEM.search(key):
        return True
    return bool(_SEPARATORS.search(key)) and len(key) <= 60


# Chrome or byline in one match (short lines are many: one regex call each).
_CHROME_OR_BYLINE = re.compile(f"(?:{CHROME.pattern})|(?:{BYLINE.pattern})")


def is_chrome_or_byline(key: str) -> bool:
    return len(key) <= 40 and _CHROME_OR_BYLINE.match(key) is not None


def is_metadata(key: str) -> bool:
    if len(key) > 160:
        return False
    if META_START.search(key) or _POST_HEADER.search(key):
        return True
    return len(META_PAIR.findall(key)) >= 2


def metadata_pairs(folded: Folded, original: str) -> list[tuple[str, str]]:
    """(field, original value) pairs found in a metadata line."""
    out = []
    lead = LEADING_DATE.match(folded.text)
    if lead:
        s, e = folded.span_to_orig(lead.start(), lead.end())
        out.append(("date", original[s:e].strip()))
    for m in META_PAIR.finditer(folded.text):
        field = META_KEYS.get(m.group(1))
        if not field:
            continue
        s, e = folded.span_to_orig(m.start(2), m.end(2))
        value = original[s:e].strip().strip("\u3000\xa0 ")
        if value:
            out.append((field, value))
    return out


def is_strong_footer(key: str) -> bool:
    return len(key) <= 400 and STRONG_FOOTER.search(key) is not None


def is_weak_footer(key: str) -> bool:
    return len(key) <= 160 and "。" not in key and WEAK_FOOTER.search(key) is not None

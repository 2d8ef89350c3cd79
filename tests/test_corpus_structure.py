"""Titles, sections, paragraphs and boilerplate, on snippets written for the tests."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.corpus import BOILERPLATE, HEADING, TITLE, parse_document


def parse(text, name="doc.txt"):
    return parse_document(text, id="doc", path="/tmp/" + name)


def outline(doc):
    return [(s.title, s.level) for s in doc.sections]


REPORT = """关于二〇二一年度城市绿化工作的总结

一、基本情况

今年全市新增绿地面积一百二十公顷,完成道路绿化改造四十公里。

（一）公园建设稳步推进

全年新建社区公园十二座,改造老旧公园五座。

1、规划先行。编制了全市公园体系规划,明确了建设时序和标准。

2.资金保障。市财政安排专项资金三千万元,区级配套资金同步到位。

(二)行道树更新

完成行道树补植两千余株。

二、存在问题

部分区域养护管理不到位,苗木成活率偏低。
"""


def test_marker_styles_nest_by_their_conventional_order():
    doc = parse(REPORT)
    assert doc.title == "关于二〇二一年度城市绿化工作的总结"
    assert outline(doc) == [
        ("一、基本情况", 1),
        ("（一）公园建设稳步推进", 2),
        ("1、规划先行", 3),
        ("2.资金保障", 3),
        ("(二)行道树更新", 2),
        ("二、存在问题", 1),
    ]


def test_section_ranges_cover_their_subsections():
    doc = parse(REPORT)
    first, sub, item1, item2, sub2, second = doc.sections
    assert first.start < sub.start < item1.start < item2.start < sub2.start < first.end == second.start
    assert sub.end == sub2.start
    assert item1.end == item2.start
    assert doc.text[second.start:].startswith("二、存在问题")
    assert doc.section_text(1).startswith("（一）公园建设稳步推进")
    # an inline heading ends after its first clause
    assert doc.text[item1.start:item1.heading_end] == "1、规划先行。"


def test_levels_are_relative_to_the_outermost_style_present():
    doc = parse("标题\n\n(一)第一部分内容概述\n\n正文第一段,说明情况。\n\n(二)第二部分内容概述\n\n正文第二段,说明情况。\n")
    assert outline(doc) == [("(一)第一部分内容概述", 1), ("(二)第二部分内容概述", 1)]


def test_chapters_and_sections():
    text = "某某条例\n\n第一章 总则\n\n为了规范管理,制定本条例。\n\n第1节 适用范围\n\n本条例适用于本市行政区域。\n\n第二部分 附则\n\n本条例自公布之日起施行。\n"
    assert outline(parse(text)) == [("第一章 总则", 1), ("第1节 适用范围", 2), ("第二部分 附则", 1)]


def test_bare_number_line_followed_by_a_title_line():
    text = (
        "城市更新的三个故事\n\n\n1\n\n\n老街换新颜\n\n\n"
        "去年春天,老街开始整体改造,居民们参与了方案讨论,提出了许多意见。\n\n\n"
        "2\n\n\n菜场变身记\n\n\n"
        "菜场的改造同样吸引了周边居民的关注,摊主们对新的布局非常满意。\n"
    )
    doc = parse(text)
    assert doc.title == "城市更新的三个故事"
    assert outline(doc) == [("老街换新颜", 1), ("菜场变身记", 1)]
    # the section starts at the number line
    assert doc.text[doc.sections[0].start] == "1"


def test_numbers_that_are_not_headings():
    text = "标题行\n\n2019年全市完成投资一百亿元,同比增长百分之八。\n\n1.5亿元用于基础设施建设,其余用于公共服务。\n\n12\n\n这一段之前的数字不带标题行,只是一个孤立的数字,不构成标题。\n"
    assert outline(parse(text)) == []


def test_inline_heading_is_marker_plus_first_sentence_when_short():
    text = "工作报告\n\n（三）深化社区治理创新,推动共建共治共享。聚焦居民需求,全年办结民生实事四十项,群众满意度明显提升。\n"
    doc = parse(text)
    assert outline(doc) == [("（三）深化社区治理创新,推动共建共治共享", 1)]
    heads = [p for p in doc.paragraphs if p.kind == HEADING]
    assert len(heads) == 1
    body = [p for p in doc.paragraphs if p.kind == "body"]
    assert doc.text[body[-1].start:body[-1].end].startswith("聚焦居民需求")


def test_inline_heading_of_a_long_sentence_is_cut_at_its_first_clause():
    text = "工作报告\n\n(四)强化安全生产责任,全面落实企业主体责任和部门监管责任并且开展隐患排查治理专项行动覆盖所有重点行业领域。全年未发生较大事故。\n"
    doc = parse(text)
    assert outline(doc) == [("(四)强化安全生产责任", 1)]


NEWSPAPER = """江南小镇的春天

茶园里的新农人

清明前后,茶园里一派繁忙景象。返乡青年带来了新的种植技术和销售方式,茶叶价格连年上涨...

合作社的账本

合作社成立三年,社员从十几户增加到两百多户,年收入翻了两番...

村民在茶园中采摘新茶。

古镇旅游再升温

小长假期间,古镇接待游客超过五万人次,民宿入住率接近百分之九十...

文旅融合的新探索

镇里推出了夜游项目,把传统戏曲搬上了河边的舞台,游客反响热烈...
"""


def test_newspaper_page_of_standalone_titles():
    doc = parse(NEWSPAPER)
    assert doc.title == "江南小镇的春天"
    titles = [t for t, _ in outline(doc)]
    assert titles == ["茶园里的新农人", "合作社的账本", "古镇旅游再升温", "文旅融合的新探索"]
    # a photo caption is a sentence: never a heading
    assert "村民在茶园中采摘新茶。" not in titles


def test_title_and_deck_pairs_nest():
    text = (
        "专版\n\n某区推进老旧小区改造\n\n让居民住得更舒心\n\n"
        "今年以来,某区改造老旧小区三十个,惠及居民一万余户,加装电梯六十部...\n\n"
        "资金从哪里来\n\n改造资金由市区两级财政和居民共同承担,形成了可复制的经验...\n\n"
        "某镇发展乡村旅游\n\n农文旅融合谱新篇\n\n"
        "某镇依托生态优势,打造了多条乡村旅游线路,吸引了大批城市游客前来观光...\n"
    )
    assert outline(parse(text)) == [
        ("某区推进老旧小区改造", 1),
        ("让居民住得更舒心", 2),
        ("资金从哪里来", 2),
        ("某镇发展乡村旅游", 1),
        ("农文旅融合谱新篇", 2),
    ]


def test_a_single_short_line_in_prose_is_not_a_heading():
    text = (
        "通知\n\n各单位:\n\n为做好今年的安全生产工作,现将有关事项通知如下,请认真贯彻执行。\n\n"
        "特此通知。\n\n某市安全生产委员会办公室\n\n2021年3月5日\n"
    )
    assert outline(parse(text)) == []


def test_paragraph_fragments_broken_across_lines_are_not_headings():
    text = (
        "新闻稿\n\n第一段正文写得很长,交代了事件的背景、经过和各方的反应,但是在这里被错误地截断成了\n\n"
        "两部分\n\n第二段正文同样很长,介绍后续的工作安排和下一步打算,并且以句号结尾。\n\n"
        "第三段\n\n这里继续讲述,同样是一段完整的正文,并且以句号结尾。\n"
    )
    titles = [t for t, _ in outline(parse(text))]
    assert "两部分" not in titles


SCRAPE = """首页 > 新闻中心 > 正文

市政府召开全市河长制工作推进会

发布时间：2021-03-05 10:20　　来源：市水务局　　作者：李明　　浏览次数：1024

3月5日上午,全市河长制工作推进会召开,会议总结了去年的工作,部署了今年的任务。

会议指出,要坚持问题导向,持续改善河湖水环境质量。

责任编辑：王芳

【打印本页】【关闭窗口】

上一篇：全市春季植树活动启动

版权所有 © 2021 某市人民政府 网站标识码 1234

联系我们 电话：12345678
"""


def test_boilerplate_is_kept_but_never_title_or_section():
    doc = parse(SCRAPE)
    assert doc.title == "市政府召开全市河长制工作推进会"
    assert doc.sections == []
    assert doc.metadata["date"] == "2021-03-05 10:20"
    assert doc.metadata["source"] == "市水务局"
    assert doc.metadata["author"] == "李明"
    assert doc.metadata["editor"] == "王芳"

    def kind(prefix):
        (found,) = [p.kind for p in doc.paragraphs if doc.text[p.start:p.end].startswith(prefix)]
        return found

    for prefix in ("首页 > 新闻", "发布时间：", "责任编辑", "【打印本页】", "上一篇：", "版权所有 ©", "联系我们"):
        assert kind(prefix) == BOILERPLATE, prefix
    assert kind("3月5日上午") == "body"
    assert kind("会议指出") == "body"
    # nothing is lost: every character of the file is still in the text
    assert doc.text == SCRAPE


def test_traditional_boilerplate_is_recognised_through_folding():
    text = "您現在的位置：首頁 > 新聞\n\n標題在這裡\n\n來源：新華社　編輯：張三\n\n正文內容,講述了事情的經過與結果。\n\n版權所有 2020\n"
    doc = parse(text)
    assert doc.title == "標題在這裡"
    assert doc.metadata.get("source") == "新華社"
    assert doc.metadata.get("editor") == "張三"


def test_numbered_breadcrumb_list_is_not_a_heading():
    text = "1. 首页\n  2. > 政策解读 >\n\n一篇政策解读文章的标题\n\n正文第一段,解读了政策的主要内容与意义。\n"
    doc = parse(text)
    assert doc.title == "一篇政策解读文章的标题"
    assert doc.sections == []


def test_title_falls_back_to_file_name():
    doc = parse("\n\n   \n这是一段很长的正文,没有任何标题行,直接从正文开始讲述事情的来龙去脉,并且一直持续下去,超过了标题应有的长度。\n", "工作记录.txt")
    assert doc.title == "工作记录"


def test_title_skips_bare_numbers_and_boilerplate():
    doc = parse("当前位置：首页\n\n7\n\n真正的标题\n\n正文,正文,正文。\n")
    assert doc.title == "真正的标题"


def test_hard_wrapped_paragraphs_are_joined():
    para = "这是一段被硬换行的正文文字用于测试段落的合并功能是否正常工作这是一段被硬换行的正文文字用于测试段落的合并功能是否正常工作" * 3
    lines = [para[i:i + 30] for i in range(0, len(para), 30)]
    text = "硬换行文档\n\n" + "\n".join(lines) + "。\n\n" + "\n".join(lines) + "。\n"
    doc = parse(text)
    bodies = [p for p in doc.paragraphs if p.kind == "body"]
    assert len(bodies) == 2
    assert doc.sections == []


def test_markdown_headings():
    doc = parse("# 总标题\n\n引言部分,说明写作目的。\n\n## 第一节\n\n正文内容。\n\n## 第二节\n\n正文内容。\n", "notes.md")
    assert [(t, lv) for t, lv in outline(doc)] == [("## 第一节", 1), ("## 第二节", 1)] or outline(doc)[0][1] == 1


def test_paragraph_offsets_are_exact():
    doc = parse(REPORT)
    for p in doc.paragraphs:
        chunk = doc.text[p.start:p.end]
        assert chunk == chunk.strip()
        assert chunk
    starts = [p.start for p in doc.paragraphs]
    assert starts == sorted(starts)
    assert any(p.kind == TITLE for p in doc.paragraphs)


def test_section_of_a_paragraph():
    doc = parse(REPORT)
    for p in doc.paragraphs:
        if p.section is not None:
            s = doc.sections[p.section]
            assert s.start <= p.start < s.end


LINES = st.sampled_from(
    [
        "",
        "   ",
        "一、总则",
        "(一)",
        "（二）工作要求。具体如下,请遵照执行。",
        "1、",
        "1.",
        "3",
        "第三章",
        "首页 > 新闻",
        "来源:",
        "版权所有",
        "短标题",
        "正文句子,带有逗号和句号。",
        "#",
        "## 标题",
        "①",
        "\u3000\u3000",
        "\ufeff",
        "...",
        "。",
        "\x1b[31m",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(LINES, st.text(max_size=30)), max_size=25))
def test_no_input_makes_the_parser_raise(lines):
    text = "\n".join(lines)
    doc = parse(text)
    for s in doc.sections:
        assert 0 <= s.start <= s.heading_end <= s.end <= len(text)
        assert s.level >= 1
    for p in doc.paragraphs:
        assert 0 <= p.start < p.end <= len(text)
    doc.to_json()

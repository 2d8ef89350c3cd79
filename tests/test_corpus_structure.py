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


# Rules added after a review on documents nobody here had seen.


def test_formal_numerals_head_the_ordinary_ones():
    text = "施政报告\n\n壹、總體情況\n\n今年各項工作穩步推進,成效明顯。\n\n貳、分項成果\n\n一、教育\n\n新建學校三所,增加學位兩千個。\n\n二、醫療\n\n新建社區醫院兩所,服務居民十萬人。\n\n參、明年計畫\n\n繼續推進各項民生工程建設。\n"
    assert outline(parse(text)) == [
        ("壹、總體情況", 1),
        ("貳、分項成果", 1),
        ("一、教育", 2),
        ("二、醫療", 2),
        ("參、明年計畫", 1),
    ]


def test_table_of_contents_is_not_listed_twice():
    text = (
        "某某管理规定\n\n目　录\n\n第一章　总则\n第二章　管理\n第三章　附则\n\n"
        "第一章　总则\n\n第一条　为了规范管理工作,提高效率,根据有关规定制定本规定。\n\n"
        "第二章　管理\n\n第二条　各部门应当按照职责分工做好管理工作,确保落实到位。\n\n"
        "第三章　附则\n\n第三条　本规定自发布之日起施行,由办公室负责解释。\n"
    )
    assert [t for t, _ in outline(parse(text))] == ["第一章 总则", "第二章 管理", "第三章 附则"]


def test_enumerated_list_items_are_not_headings():
    text = (
        "管理办法\n\n一、禁止事项\n\n第五条　在保护区内禁止下列行为:\n（一）倾倒垃圾、排放污水;\n（二）露营、烧烤;\n（三）其他破坏环境的行为。\n\n"
        "二、附则\n\n本办法自发布之日起施行,各单位遵照执行。\n"
    )
    assert outline(parse(text)) == [("一、禁止事项", 1), ("二、附则", 1)]


def test_a_sentence_starting_like_a_chapter_is_not_one():
    text = "读书笔记\n\n第一节课上,老师讲了很多关于阅读方法的内容,大家都觉得很有收获。\n\n第二段正文,继续记录课堂上的讨论内容。\n"
    assert outline(parse(text)) == []


def test_roman_and_half_parenthesised_numbers():
    text = "实施方案\n\nⅠ、总体要求\n\n坚持问题导向,突出工作重点。\n\nⅡ、主要任务\n\n1）完善制度\n\n建立健全各项管理制度,形成长效机制。\n\n2）加强培训\n\n分批组织业务培训,提升能力水平。\n"
    assert outline(parse(text)) == [("Ⅰ、总体要求", 1), ("Ⅱ、主要任务", 1), ("1）完善制度", 2), ("2）加强培训", 2)]


def test_photo_captions_are_never_headings():
    text = (
        "社区新闻\n\n老人食堂开张了\n\n社区老人食堂昨天正式开张,每天供应午餐和晚餐,价格实惠,深受欢迎...\n\n"
        "图为志愿者为老人打饭　本报记者 李华 摄\n\n"
        "健身步道修好了\n\n小区周边的健身步道完成改造,全长两公里,沿途设置了休息座椅...\n"
    )
    titles = [t for t, _ in outline(parse(text))]
    assert titles == ["老人食堂开张了", "健身步道修好了"]


def test_short_headlines_may_have_one_comma_or_exclamation():
    text = (
        "晚报快讯\n\n地铁新线开通，出行更方便\n\n今天上午,地铁新线正式开通运营,沿线居民出行时间大幅缩短。\n\n"
        "点赞！保安小哥拾金不昧\n\n昨天下午,一名保安在小区门口捡到钱包,第一时间交还失主。\n"
    )
    assert [t for t, _ in outline(parse(text))] == ["地铁新线开通，出行更方便", "点赞！保安小哥拾金不昧"]


def test_titles_skip_separators_dates_and_invisible_lines():
    assert parse("==========\n\n年度工作总结\n\n正文内容,一段完整的话。\n").title == "年度工作总结"
    assert parse("2025年12月18日\n\n市政府召开常务会议\n\n会议研究了有关事项。\n").title == "市政府召开常务会议"
    assert parse("\u2060\n\n正文第一段,这是一段很长的正文内容,没有标题,讲述了一件事情的经过和结果。\n", "记录.txt").title == "记录"


def test_headline_broken_over_two_lines_is_joined():
    text = "国务院办公厅关于进一步加强\n农村饮水安全保障工作的通知\n\n各省、自治区、直辖市人民政府:\n\n为做好有关工作,现通知如下。\n"
    assert parse(text).title == "国务院办公厅关于进一步加强农村饮水安全保障工作的通知"


def test_markdown_title_front_matter_and_code_fences():
    md = "---\ntitle: 团队周报\ndate: 2025-12-12\n---\n\n本周完成了三项工作。\n\n## 一、本周进展\n\n完成接口联调。\n\n```\n# 这是代码里的注释\n```\n\n## 二、下周计划\n\n继续测试。\n"
    doc = parse(md, "weekly.md")
    assert doc.title == "团队周报"
    assert outline(doc) == [("一、本周进展", 1), ("二、下周计划", 1)]
    doc = parse("# 建设方案\n\n引言部分。\n\n## 1 背景\n\n内容。\n\n### 1.1 现状\n\n内容。\n", "plan.md")
    assert doc.title == "建设方案"
    assert outline(doc) == [("1 背景", 1), ("1.1 现状", 2)]


def test_more_boilerplate_shapes():
    text = (
        "新闻中心 | 本地新闻 | 正文\n\n【字体：大 中 小】\n\n地铁票价调整听证会举行\n\n"
        "2025-12-18 10:00:00 来源：本地日报 | 作者：李四\n\n听证会上,代表们就票价方案充分发表了意见。\n\n"
        "文字｜小林 / 编辑｜阿May\n\n— END —\n"
    )
    doc = parse(text)
    assert doc.title == "地铁票价调整听证会举行"
    assert doc.metadata == {"date": "2025-12-18 10:00:00", "source": "本地日报", "author": "李四", "editor": "阿May"}
    kinds = [p.kind for p in doc.paragraphs]
    assert kinds == [BOILERPLATE, BOILERPLATE, TITLE, BOILERPLATE, "body", BOILERPLATE, BOILERPLATE]


def test_prose_that_mentions_boilerplate_words_stays_prose():
    text = (
        "防汛工作总结\n\n一、做法\n\n我们标注了每处积水点的所在位置,建立台账,逐一整改。\n\n"
        "二、体会\n\n" + "这一段是正文,内容较长,用于把下面的段落推到文档的后半部分。" * 3 + "\n\n"
        "上一篇文章介绍了去年的情况,今年我们在此基础上进一步改进了工作方法。\n\n"
        "关于我们社区下一步的打算,主要有三点,下面分别说明。\n"
    )
    doc = parse(text)
    assert all(p.kind != BOILERPLATE for p in doc.paragraphs)


def test_section_lookup_on_many_nested_sections_and_trailing_lines():
    # This shape was quadratic (16 s for 200 KB); now each lookup climbs parents.
    # (A line under each heading: numbered lines one after another with
    # nothing under them are a list, see test_numbered_lines_one_after_another_are_a_list.)
    text = "第一章 总则\n\n" + "\n".join(f"{i % 999 + 1}、标题{i}\n正文{i}" for i in range(4000)) + "\n" + "电话：123\n" * 20000
    doc = parse(text)
    assert len(doc.sections) == 4001
    last = doc.paragraphs[-1]
    assert last.kind == BOILERPLATE
    assert doc.section_at(doc.sections[2].start) == 2
    assert doc.section_at(doc.sections[0].start) == 0


def test_an_inline_heading_cut_at_a_length_limit_keeps_its_line_whole():
    """Without punctuation after the heading, its end is a guess at a length
    limit that can fall inside a word ("为引领|的"): the section and its
    shortened title stay, but the line is not split into two passages, so a
    search for the words across the guess still finds them."""
    from tui.corpus import parse_document

    line = "3、提升职工的综合素养和技术技能水平深入开展以嘉定工匠为引领的高技能人才品牌建设工作培育一批多层次的技能人才典型"
    text = "工作报告\n\n一、主要做法\n\n" + line + "\n\n正文继续,说明其他情况。\n"
    doc = parse_document(text, id="t", path="/t.txt")
    sec = next(s for s in doc.sections if s.title.startswith("3、"))
    assert sec.title.endswith("…") and len(sec.title) < len(line)
    start = text.index(line)
    paras = [p for p in doc.paragraphs if start <= p.start < start + len(line)]
    assert [(p.start, p.end) for p in paras] == [(start, start + len(line))]
    # a heading followed by punctuation is still split at it
    doc2 = parse_document("工作报告\n\n一、主要做法。这里是正文,说明情况。\n", id="u", path="/u.txt")
    kinds = [p.kind for p in doc2.paragraphs if p.kind != "title"]
    assert kinds[:2] == ["heading", "body"]


def test_chapter_numbers_past_999():
    """Web novels and serialised reports run to thousands of chapters."""
    from tui.corpus import parse_document

    text = "长篇连载\n\n" + "".join(f"第{n}章 标题{n}\n\n正文第{n}章的内容,有一些叙述。\n\n" for n in (998, 999, 1000, 1001))
    doc = parse_document(text, id="n", path="/n.txt")
    assert [s.title for s in doc.sections] == ["第998章 标题998", "第999章 标题999", "第1000章 标题1000", "第1001章 标题1001"]


RULES_DOC = """学位论文格式规范

一、论文次序

1. 封面

2. 审定书

3. 论文上传后，授权书不需装订在论文里，请于缴交论文时一并缴交。

4. 致谢辞

5. 中文摘要

6. 参考文献

二、封面（附件 1）：

封面中各行均须置中，包括中文校名、系所别、学位与论文题目。

三、中文摘要：

不超过五百字，内容应包含论述重点、方法、结果与结论。

四、图目录：包括各章节之图及其所在之页数（若图撷取自参考文献，则须标注来源）。

五、表目录：包括各章节之表及其所在之页数，若表系撷取自参考文献，则须于本文表之位置标注来源，并注明页码。

六、临时动议：无。
"""


def test_numbered_lines_one_after_another_are_a_list():
    """Headings introduce text: 1. 2. 3. … each followed at once by the next,
    with nothing under them, are the items of a list (the item that carries a
    sentence and the items after it too), not sections."""
    doc = parse(RULES_DOC)
    titles = [t for t, _ in outline(doc)]
    assert not any(t[0].isdigit() for t in titles), titles
    assert titles[0] == "一、论文次序"
    # the same items with text under each are headings
    text = "规范\n\n一、次序\n\n" + "".join(f"{n}. 条目{n}\n\n这一条的说明文字，写得足够长了。\n\n" for n in (1, 2, 3))
    assert [t for t, _ in outline(parse(text))] == ["一、次序", "1. 条目1", "2. 条目2", "3. 条目3"]
    # two items alone are not yet a list
    text = "规范\n\n一、次序\n\n1. 条目一\n\n2. 条目二\n\n这里是正文，写得足够长了，说明情况。\n"
    assert [t for t, _ in outline(parse(text))] == ["一、次序", "1. 条目一", "2. 条目二"]


def test_a_heading_ending_in_a_colon_is_titled_without_it():
    doc = parse(RULES_DOC)
    titles = [t for t, _ in outline(doc)]
    assert "二、封面（附件 1）" in titles and "三、中文摘要" in titles
    heading = next(p for p in doc.paragraphs if p.kind == HEADING and RULES_DOC[p.start : p.end].startswith("三"))
    assert RULES_DOC[heading.start : heading.end] == "三、中文摘要："  # the text itself is untouched


def test_a_run_in_heading_is_its_label_before_the_colon():
    """"四、图目录：包括…。" is a heading run into its first sentence: the
    label before the colon is the title (even two or three characters long),
    the sentence is body.  A short value after the colon ("无。") stays part
    of the heading."""
    doc = parse(RULES_DOC)
    titles = [t for t, _ in outline(doc)]
    assert titles[-3:] == ["四、图目录", "五、表目录", "六、临时动议：无。"]
    start = RULES_DOC.index("四、图目录")
    kinds = [(p.kind, RULES_DOC[p.start : p.end]) for p in doc.paragraphs if start <= p.start < start + 60]
    assert kinds[0] == (HEADING, "四、图目录：")
    assert kinds[1][0] == "body" and kinds[1][1].startswith("包括各章节之图")


def test_a_note_in_brackets_ending_a_long_heading_line_is_not_its_title():
    line = "1、已取得的研究工作成绩及与本项目有关的研究工作积累（请着重填写申请人近期的主要工作业绩以及与本项目相关的研究工作积累）。"
    text = "报告正文\n\n一、研究基础\n\n" + line + "\n\n这里是申请人填写的正文，说明已有的工作。\n"
    doc = parse(text)
    assert outline(doc)[-1] == ("1、已取得的研究工作成绩及与本项目有关的研究工作积累", 2)
    start = text.index(line)
    paras = [(p.kind, text[p.start : p.end]) for p in doc.paragraphs if start <= p.start < start + len(line)]
    assert paras[0][0] == HEADING and paras[1] == ("body", line[paras[0][1].__len__() :])


def test_a_glossarys_short_definitions_do_not_start_a_list():
    """"1.术语:解释。" lines are definitions, not headings; they are not the
    first items of a list either, so the long entries after them keep the
    rule they had (run-in headings titled by their term)."""
    long1 = "2024年12月22日，国务院办公厅印发关于优化完善地方政府专项债券管理机制的意见，提出开展试点。"
    long2 = "2025年4月1日，省政府办公厅印发若干政策措施，提出加快消费恢复提振、帮助企业降本减负等21条措施。"
    glossary = f"3.“自审自发”：{long1}\n4.稳增长“21”条：{long2}\n"
    short = "1.“两重”：是指国家重大战略实施和重点领域安全能力建设。\n2.“两新”：是指大规模设备更新和消费品以旧换新。\n"
    with_short = parse("工作报告\n\n一、名词解释\n\n" + short + glossary)
    alone = parse("工作报告\n\n一、名词解释\n\n" + glossary)
    assert outline(with_short) == outline(alone) == [("一、名词解释", 1), ("3.“自审自发”", 2), ("4.稳增长“21”条", 2)]

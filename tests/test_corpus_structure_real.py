"""Failure classes found on real documents (issue 14), each on a short snippet
written for the test: page chrome, bylines, fiction, lists, Markdown, hard
wraps and titles.  The real documents themselves are scored by
benchmarks/structure_score.py."""

from tui.corpus import BOILERPLATE, TITLE, load_corpus, parse_document
from tui.corpus.structure import RULE_NAMES, RULES


def parse(text, name="doc.txt"):
    return parse_document(text, id="doc", path="/tmp/" + name)


def outline(doc):
    return [(s.title, s.level) for s in doc.sections]


def kinds_of(doc, needle):
    """Kinds of the paragraphs that contain ``needle``."""
    return [p.kind for p in doc.paragraphs if needle in doc.text[p.start : p.end]]


BODY_A = "今年全市经济运行总体平稳，主要指标好于预期，各项改革任务顺利完成。"
BODY_B = "明年要坚持稳中求进工作总基调，统筹发展和安全，推动经济持续回升向好。"

# -- page chrome and bylines -------------------------------------------------


def test_toolbar_lines_above_the_title_are_chrome_and_the_subtitle_stays_apart():
    text = (
        "下载\n打印\n全屏\n收藏\n【字号：\n加大\n还原\n减小\n】\n"
        "某市政府工作报告\n——2026年1月20日在某市第五届人民代表大会第三次会议上\n来源：某市日报\n"
        f"一、过去一年的工作\n{BODY_A}\n二、今年的主要任务\n{BODY_B}\n"
    )
    doc = parse(text)
    assert doc.title == "某市政府工作报告"
    assert outline(doc) == [("一、过去一年的工作", 1), ("二、今年的主要任务", 1)]
    for word in ("下载", "打印", "字号", "减小"):
        assert kinds_of(doc, word) == [BOILERPLATE]
    assert kinds_of(doc, "——2026年") == [TITLE]


def test_chrome_counters_and_bylines_inside_a_page_are_never_headings():
    text = (
        "社区新闻两则\n\n阅读量:1188 本文字数:295\n\n[编辑]\n\n复制链接\n\n【撰文：李明】\n\n"
        f"公园改造完成\n\n{BODY_A}\n\n***作者為本會副主席***\n\n撰稿 王芳\n\n"
        f"图书馆延长开放\n\n{BODY_B}\n\n上一期 下一期\n\n这已经是最后一期了哦!\n\n我知道了\n"
    )
    doc = parse(text)
    assert doc.title == "社区新闻两则"
    assert outline(doc) == [("公园改造完成", 1), ("图书馆延长开放", 1)]
    for chrome in ("阅读量", "[编辑]", "复制链接", "撰文", "作者為", "撰稿", "上一期", "最后一期", "我知道了"):
        assert kinds_of(doc, chrome) == [BOILERPLATE], chrome


# -- fiction -----------------------------------------------------------------

NOVEL = (
    "第一章　序\n\n　　他走进门来，看了一眼众人，便坐在角落里一声不响地喝酒。\n\n“出去！”\n\n"
    "　　掌柜的说完这话，又低下头去算他的账，再也不理会他了。\n\n“我要投……”\n\n"
    "　　他想了一想，终于没有说下去，只是慢慢地走出门去。\n\n"
    "第二章大团圆\n\n　　第二天早上，城里的人都聚到街口，等着看这一场热闹的结局。\n"
)


def test_dialogue_lines_are_not_headings_and_chapters_need_no_separator():
    doc = parse(NOVEL, "novel.txt")
    assert outline(doc) == [("第一章 序", 1), ("第二章大团圆", 1)]
    assert doc.title == "novel"  # no title line in the text: the file name
    assert [s.rule for s in doc.sections] == ["chapter", "chapter"]


def test_chapter_number_with_tab_and_couplet_is_one_heading():
    text = (
        "某某志\n第一回      \t小梅村书生施德\u3000大江口舟子遇孩\n"
        "\u3000\u3000话说古往今来，世事无穷，可传者百不举一，今且说一段故事与看官听。\n"
        "第二回\t访名师山中从学\u3000遇知己月下订盟\n"
        "\u3000\u3000却说那书生自从离家之后，一路晓行夜宿，不一日来到山下。\n"
    )
    doc = parse(text)
    assert doc.title == "某某志"
    assert [s.title for s in doc.sections] == [
        "第一回 小梅村书生施德 大江口舟子遇孩",
        "第二回 访名师山中从学 遇知己月下订盟",
    ]


def test_chapter_number_alone_takes_the_couplet_on_the_next_line():
    text = (
        "第一回\n通明殿玉帝宣旨\u3000戏织女金童遭谴\n\u3000\u3000诗曰：\n\u3000\u3000七夕牛郎逢织女，恩情千载不更移。\n"
        "\u3000\u3000无论古今，男女总难逃脱一个情字，在下这部小说，说的便是天河相会的故事。\n"
        "第二回\n李老君慈心救金童\u3000天孙女被谪云锦官\n"
        "\u3000\u3000却说金童被贬之后，一路下界，投胎到一户姓牛的人家，取名金郎。\n"
    )
    doc = parse(text, "story.txt")
    assert doc.title == "story"
    assert outline(doc) == [
        ("第一回 通明殿玉帝宣旨 戏织女金童遭谴", 1),
        ("第二回 李老君慈心救金童 天孙女被谪云锦官", 1),
    ]
    first = doc.sections[0]
    assert doc.text[first.start : first.heading_end].endswith("戏织女金童遭谴")


def test_bare_numerals_counting_up_number_the_parts_of_a_story():
    para = "\u3000\u3000他近来觉得孤冷得可怜，他的早熟的性情，竟把他挤到与世人绝不相容的境地去。\n"
    text = "书名: 沉思\n某某 著\n" + para * 2 + "二\n" + para + "三\n" + para + "四\n" + para
    doc = parse(text, "x.txt")
    assert doc.title == "沉思"
    assert doc.metadata.get("title") == "沉思"
    assert outline(doc) == [("二", 1), ("三", 1), ("四", 1)]
    assert {s.rule for s in doc.sections} == {"sequence"}
    assert kinds_of(doc, "某某 著") == [BOILERPLATE]


def test_a_lone_bare_numeral_is_not_a_heading():
    para = "\u3000\u3000他近来觉得孤冷得可怜，他的早熟的性情，竟把他挤到与世人绝不相容的境地去。\n"
    doc = parse("沉思\n" + para + "三\n" + para + para)
    assert doc.sections == []


def test_part_names_with_spaces_inside_stand_beside_the_chapters():
    text = (
        "某某协会章程\n总 则\n本会是会员自愿结合的群众组织，遵守宪法和法律。\n"
        "第一章会员\n第一条\n凡承认本章程的人员，均可申请加入本会。\n"
        "第二章组织制度\n第二条\n本会实行民主集中制，主要内容是：\n"
        "(一)个人服从组织，少数服从多数，下级服从上级。\n(二)各级领导机关由民主选举产生。\n"
        "(三)最高领导机关是全国代表大会。\n第三章附则\n第三条\n本章程解释权属于本会理事会。\n"
    )
    doc = parse(text)
    assert doc.title == "某某协会章程"
    assert outline(doc) == [("总 则", 1), ("第一章会员", 1), ("第二章组织制度", 1), ("第三章附则", 1)]
    assert doc.sections[0].rule == "named"


def wrap_at(paragraph: str, width: int) -> list[str]:
    """Cut an indented paragraph into lines of ``width`` characters, as the
    plain-text editions of old novels are."""
    text = "\u3000\u3000" + paragraph
    return [text[i : i + width] for i in range(0, len(text), width)]


def test_hard_wrapped_text_joins_into_paragraphs_with_exact_offsets():
    p1 = (
        "大明时，江西省吉安府吉水县小梅村。有一富翁，姓张，字盈川，当时善人也。客湖南长沙府，"
        "二子居丧三年毕，归家奉母。母李氏嘱二子曰：「我死后，当移我柩合葬于尔父墓侧。」"
    )
    p2 = (
        "父母俱亡，其弟乃谓张博曰：「父母远葬千里，弟当立业于彼，庶不失祭扫。然祖宗丘墓均在吉水，"
        "兄当归守之。」兄弟二人遂各分居，一在湖南，一在江西，各自成家立业，往来不绝。"
    )
    p3 = "话说张博自从归家之后，闭门读书，不问外事，一连三年，学问大进，乡里无不称赞，都说他日后必成大器。"
    lines = wrap_at(p1, 20) + wrap_at(p2, 20) + ["江宁女子杨菊英拜题", "\u3000\u3000词曰：", "\u3000\u3000暑往寒来春又至，", "\u3000\u3000四时运转不穷。"]
    lines += wrap_at(p3, 20) + wrap_at(p1, 20)
    text = "某某传\n" + "\n".join(lines) + "\n"
    doc = parse(text)
    assert doc.title == "某某传"
    assert doc.sections == []  # neither the signature nor the verse is a heading
    bodies = [doc.text[p.start : p.end] for p in doc.paragraphs if p.kind != TITLE]
    assert bodies[0] == "\n".join(wrap_at(p1, 20)).lstrip("\u3000")  # one paragraph, offsets exact
    assert bodies[1].replace("\n", "") == p2  # the reader reflows it: no blank line inside a sentence
    assert "江宁女子杨菊英拜题" in bodies  # a short line after a paragraph's end stays alone
    assert "暑往寒来春又至，" in bodies and "四时运转不穷。" in bodies  # verse stays line by line
    assert bodies[-2].replace("\n", "") == p3
    for p in doc.paragraphs:
        assert doc.text[p.start] not in " \u3000\n" and doc.text[p.end - 1] not in " \u3000\n"


def test_line_per_paragraph_text_is_not_joined():
    paras = [
        "今年全市经济运行总体平稳，主要指标好于预期，各项改革任务顺利完成，民生保障持续加强，社会大局和谐稳定。",
        "明年要坚持稳中求进工作总基调，统筹发展和安全，推动经济持续回升向好，切实增进民生福祉。",
        "全市上下要团结一心，锐意进取，为实现今年目标任务而努力奋斗。",
    ] * 3
    doc = parse("工作报告\n" + "\n".join(paras) + "\n")
    assert len([p for p in doc.paragraphs if p.kind != TITLE]) == len(paras)


# -- lists -------------------------------------------------------------------


def test_items_inside_an_article_are_not_headings():
    text = (
        "某市工会条例\n\n第一章　总则\n\n第三条　工会的基本职责是：\n\n"
        "（一）维护职工合法权益是工会的基本职责。工会在维护全国人民总体利益的同时维护职工的具体利益。\n\n"
        "（二）组织和教育职工依法行使民主权利，参与管理国家事务。\n\n"
        "（三）动员职工积极参加经济建设，努力完成生产和工作任务。\n\n"
        "第二章　工会组织\n\n第四条　工会按照民主集中制原则建立。\n"
    )
    doc = parse(text)
    assert outline(doc) == [("第一章 总则", 1), ("第二章 工会组织", 1)]


def test_numbered_link_items_are_not_headings():
    text = (
        "某某周刊\n\n一、文章\n\n"
        "1、[耳道定制的耳机](https://example.com/a)\n\n一家公司推出了按耳道形状定制的耳机，售价不菲。\n\n"
        "2、[沙漠办公楼](https://example.com/b)\n\n建筑师在沙漠里设计了一座办公楼，全部依靠自然通风。\n\n"
        "二、工具\n\n本周介绍几个好用的工具，都是开源软件，可以免费使用。\n"
    )
    assert outline(parse(text)) == [("一、文章", 1), ("二、工具", 1)]


def test_short_decimal_lines_are_headings_and_decimal_sentences_are_not():
    text = (
        "某公司年度报告\n\n一、公司简介\n\n"
        "1.1 公司董事会、监事会及董事、监事、高级管理人员保证本报告内容的真实、准确、完整。\n\n"
        "本公司成立于二〇〇一年，主要从事软件开发与信息技术服务业务。\n\n二、会计数据\n\n"
        "2.1 主要财务数据\n\n本年度营业收入较上年增长百分之十二，净利润增长百分之八。\n"
    )
    assert outline(parse(text)) == [("一、公司简介", 1), ("二、会计数据", 1), ("2.1 主要财务数据", 2)]


def test_run_in_items_after_a_colon_are_headings_when_paragraphs_follow():
    text = (
        "某省政府工作报告\n\n三、今年的主要工作\n\n重点抓好以下几个方面工作：\n\n"
        f"（一）全力推动经济稳定增长。把稳增长作为工作重心，做到纲举目张。\n\n{BODY_A}\n\n"
        f"（二）加快建设现代化产业体系。坚持把发展经济的着力点放在实体经济上。\n\n{BODY_B}\n"
    )
    assert outline(parse(text)) == [
        ("三、今年的主要工作", 1),
        ("（一）全力推动经济稳定增长", 2),
        ("（二）加快建设现代化产业体系", 2),
    ]


# -- Markdown ----------------------------------------------------------------


def test_setext_headings_code_fences_and_numbered_lists_in_markdown():
    text = (
        "jieba\n========\n“结巴”中文分词：做最好的中文分词组件\n\n特点\n========\n* 支持多种分词模式\n\n"
        "主要功能\n=======\n1. 分词\n--------\n* `jieba.cut` 方法接受多个输入参数\n\n"
        "```python\n# encoding=utf-8\nimport jieba\n```\n\n"
        "### 载入词典\n\n1. 以固定窗口大小，词之间的共现关系，构建图\n2. 计算图中节点的权重\n\n"
        "2. 添加自定义词典\n--------\n开发者可以指定自己的词典。\n"
    )
    doc = parse(text, "README.md")
    assert doc.title == "jieba"
    assert outline(doc) == [
        ("特点", 1),
        ("主要功能", 1),
        ("1. 分词", 2),
        ("载入词典", 3),
        ("2. 添加自定义词典", 2),
    ]
    assert {s.rule for s in doc.sections} == {"setext", "md"}


def test_yaml_front_matter_is_metadata_not_title_or_section():
    text = (
        '---\ntitle: "前言里的标题"\ndate: "2017-10-27"\ntags:\n  - "工会"\n---\n\n# 二十年前的一段往事\n\n'
        f"{BODY_A}\n\n**日期︰2017年10月28日**\n\n**地點︰中環廣場**\n\n{BODY_B}\n"
    )
    doc = parse(text)
    assert doc.title == "二十年前的一段往事"
    assert doc.sections == []
    assert kinds_of(doc, "date:") == [BOILERPLATE]
    assert doc.metadata["date"] == "2017-10-27"
    assert parse('---\ntitle: "只在前言里"\n---\n\n' + BODY_A + "\n").title == "只在前言里"


# -- titles ------------------------------------------------------------------


def test_two_line_title_with_a_report_subtitle():
    text = (
        "决胜全面建成小康社会\n夺取新时代伟大胜利\n——在某某代表大会上的报告\n（2017年10月18日）\n\n"
        f"同志们：\n\n一、过去五年的工作\n\n{BODY_A}\n\n二、新时代的使命\n\n{BODY_B}\n"
    )
    doc = parse(text)
    assert doc.title == "决胜全面建成小康社会夺取新时代伟大胜利"
    assert "报告" not in doc.title and "2017" not in doc.title


def test_a_bracketed_date_under_the_title_is_not_joined_into_it():
    doc = parse(f"中共中央国务院关于实施乡村振兴战略的意见\n（2018年1月2日）\n{BODY_A}\n一、重大意义\n{BODY_B}\n")
    assert doc.title == "中共中央国务院关于实施乡村振兴战略的意见"


# -- rules -------------------------------------------------------------------


def test_every_section_names_its_rule_and_the_cache_keeps_it(tmp_path):
    import shutil

    from tui.corpus import default_seed_dir

    for f in default_seed_dir().glob("*.txt"):
        shutil.copy(f, tmp_path / f.name)  # documents with 0 to 30 sections
    (tmp_path / "a.txt").write_text(NOVEL, encoding="utf-8")
    (tmp_path / "b.md").write_text("# 标题\n\n## 一节\n\n正文。\n\n## 二节\n\n正文。\n", encoding="utf-8")
    fresh = load_corpus([str(tmp_path)], cache=True)
    cached = load_corpus([str(tmp_path)], cache=True)
    assert len(cached.changes["unchanged"]) == len(fresh.documents) == 7  # the second load came from the cache
    assert sum(len(d.sections) for d in fresh.documents) > 40
    for a, b in zip(fresh.documents, cached.documents):
        assert list(b.sections) == list(a.sections)  # every field, the rule included
        assert all(s.rule in RULES and s.rule in RULE_NAMES for s in b.sections)
        assert [s["rule"] for s in b.to_json()["sections"]] == [s.rule for s in a.sections]


# -- explain -----------------------------------------------------------------


def test_explain_names_the_rule_of_the_title_and_each_section_and_why_lines_missed():
    from tui.corpus.explain import NOT, SECTION, TITLE as T, explain

    text = (
        "某市工会条例\n\n第一章　总则\n\n第三条　工会的基本职责是：\n\n"
        "（一）维护职工合法权益。\n\n（二）组织职工参与管理。\n\n第二章　工会组织\n\n“出去！”\n\n第四条　工会按照民主集中制原则建立。\n"
    )
    doc = parse(text)
    rows = explain(doc)
    assert rows[0].kind == T and rows[0].text == "某市工会条例" and rows[0].rule == "line" and rows[0].line == 1
    sections = [r for r in rows if r.kind == SECTION]
    assert [(r.text, r.rule, r.level, r.line) for r in sections] == [
        (s.title, s.rule, s.level, doc.text.count("\n", 0, s.start) + 1) for s in doc.sections
    ]
    misses = {r.text: r.why for r in rows if r.kind == NOT}
    assert "第…条" in misses["（一）维护职工合法权益。"]
    assert "第…条" in misses["第三条　工会的基本职责是："]
    assert "only chapter headings" in misses["“出去！”"]
    assert all(r.line == doc.text.count("\n", 0, r.offset) + 1 for r in rows if r.offset >= 0)
    assert [r.offset for r in rows[1:]] == sorted(r.offset for r in rows[1:])


def test_explain_says_when_the_title_is_the_file_name():
    from tui.corpus.explain import explain

    doc = parse(NOVEL, "novel.txt")
    title = explain(doc)[0]
    assert (title.text, title.rule, title.line, title.offset) == ("novel", "file-name", 0, -1)


def test_list_explain_on_the_command_line(tmp_path, capsys):
    import json

    from tui.cli import main

    (tmp_path / "law.txt").write_text(
        "某市工会条例\n\n第一章　总则\n\n第三条　工会的基本职责是：\n\n（一）维护职工合法权益。\n\n（二）组织职工参与管理。\n",
        encoding="utf-8",
    )
    (tmp_path / "other.txt").write_text(NOVEL, encoding="utf-8")
    assert main(["list", "--explain", "law", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "law: 1 sections"
    assert "title" in out[1] and "某市工会条例" in out[1] and "[line]" in out[1]
    assert "section L1" in out[2] and "第一章 总则" in out[2] and "[chapter]" in out[2]
    assert any("not a heading" in line and "（一）维护职工合法权益。" in line for line in out)
    assert not any("novel" in line or "other" in line for line in out)

    assert main(["list", "--explain", str(tmp_path / "other.txt")]) == 0  # a path alone: that file
    assert capsys.readouterr().out.startswith("other: 2 sections")

    assert main(["list", "--json", str(tmp_path)]) == 0
    docs = json.loads(capsys.readouterr().out)["documents"]
    assert {d["id"]: [s["rule"] for s in d["sections"]] for d in docs} == {"law": ["chapter"], "other": ["chapter", "chapter"]}

    assert main(["list", "--explain", "nosuch", str(tmp_path)]) == 2
    assert "no document matches" in capsys.readouterr().err


def test_markdown_title_under_links_closing_hashes_and_indented_code():
    text = (
        "<< [访问主页](/)\n\n**声明：** 这份文档派生于繁体中文版，并进行了适当的润色。\n\n"
        "Markdown: 快速入门 / ([完整语法说明](./index.html))\n================\n\n"
        "概念\n------\n\n此页提供了 Markdown 的简单概念。\n\n## 段落、标题 ##\n\n范例如下：\n\n"
        "\tA First Level Header\n\t====================\n\n    # not a heading either\n\n"
        "### `text-spacing` 的用法\n\n说明文字。\n"
    )
    doc = parse(text, "basics.md")
    assert doc.title == "Markdown: 快速入门 / (完整语法说明)"
    assert outline(doc) == [("概念", 1), ("段落、标题", 1), ("text-spacing 的用法", 2)]


def test_a_part_number_sequence_survives_page_counters_and_stray_title_lines():
    para = "\u3000\u3000这个题目已经没有什么好说的了，我们又扯了一会儿别的事情，才各自散去。\n\n"
    text = "某小说\n\n某某 著\n\n01\n\n一\n\n" + para * 2 + "二\n\n一个短句\n\n" + para + "三\n\n" + para
    text += "02\n\n四\n\n" + para + "1\n\n" + para + "五\n\n" + para
    doc = parse(text)
    assert doc.title == "某小说"
    assert outline(doc) == [("一", 1), ("二", 1), ("三", 1), ("四", 1), ("五", 1)]


def test_circled_footnotes_are_not_headings():
    text = (
        "某书\n\n一、正文\n\n画家的作品①至今仍有争议。\n\n"
        "①迪埃戈-罗德里盖斯-德-西尔瓦-委拉斯凯兹（1599-1660），西班牙画家。\n\n二、评论\n\n评论文字很长。\n"
    )
    assert outline(parse(text)) == [("一、正文", 1), ("二、评论", 1)]


def test_encyclopedia_page_chrome_and_edit_links():
    text = (
        "跳转到内容\n\n维基百科，自由的百科全书\n\n某某镇\n\n某某镇是中国南方的一个镇，历史悠久，以出产茶叶闻名。\n\n"
        "复制链接\n\n锁定\n\n历史[编辑]\n\n"
        "某某镇始建于明代，清代设巡检司，民国时期改为镇，一九五〇年后几经调整。\n\n"
        "地理\n\n[编辑]\n\n某某镇位于山区，境内多丘陵，河流纵横，气候温和湿润，雨量充沛。\n"
    )
    doc = parse(text)
    assert doc.title == "某某镇"
    assert outline(doc) == [("历史", 1), ("地理", 1)]
    for chrome in ("跳转到内容", "自由的百科全书", "复制链接", "锁定"):
        assert kinds_of(doc, chrome) == [BOILERPLATE], chrome


MINUTES = """某某大學第5次校務會議紀錄

時間：2023年3月8日（星期三）下午2時
地點：行政大樓第一會議室
主席：王校長                                     記錄：李小華

壹、主席報告：（略）

貳、報告事項

一、上次會議決議事項執行情形：詳如附件一。

二、各單位工作報告：詳如會議資料。

參、討論事項

第一案
提案單位：教務處
案由：修訂本校學則部分條文，提請討論。
說明：
一、依教育部來函辦理。
二、修正條文對照表如附件二。
決議：照案通過。

第二案
提案單位：學務處
案由：訂定本校獎學金辦法，提請討論。
決議：修正後通過。

肆、臨時動議：無。

伍、散會：下午4時30分。
"""


def test_meeting_minutes_items_after_a_colon_stay_a_list():
    doc = parse(MINUTES)
    assert doc.title == "某某大學第5次校務會議紀錄"
    assert doc.metadata["place"] == "行政大樓第一會議室"
    titles = [t for t, _ in outline(doc)]
    assert "二、修正條文對照表如附件二。" not in titles and "一、依教育部來函辦理。" not in titles
    assert [t for t, lv in outline(doc) if lv == 1] == [
        "壹、主席報告：（略）",
        "貳、報告事項",
        "參、討論事項",
        "肆、臨時動議：無。",
        "伍、散會：下午4時30分。",
    ]
    levels = dict(outline(doc))
    assert levels["第一案"] == levels["第二案"] > 1

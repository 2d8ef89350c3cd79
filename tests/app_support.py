"""Shared helpers for the app tests: a hand-built corpus and a tiny index.

The app tests must not depend on the corpus parser's or the search engine's
current rules, so documents are built here with explicit sections and
paragraphs, and ``FakeIndex`` implements the ``tui.search`` contract with
plain substring matching (plus a small pinyin table).
"""

from __future__ import annotations

import time

from tui.corpus.model import Corpus, Document, Paragraph, Section, Skipped
from tui.search.results import Hit, SearchResponse


def build_doc(doc_id: str, title: str, blocks: list[tuple], path: str | None = None) -> Document:
    """``blocks``: (kind, text) or ("heading", level, text); joined by blank lines."""
    parts: list[str] = []
    paras: list[tuple[int, int, str, int | None]] = []
    heads: list[tuple[int, int, int, str]] = []  # start, heading_end, level, title
    pos = 0
    all_blocks = [("title", title)] + list(blocks)
    for b in all_blocks:
        if b[0] == "heading":
            _, level, text = b
            heads.append((pos, pos + len(text), level, text))
            kind = "heading"
        else:
            kind, text = b
        paras.append((pos, pos + len(text), kind, None))
        parts.append(text)
        pos += len(text) + 2
    text = "\n\n".join(parts)
    sections: list[Section] = []
    for i, (start, hend, level, t) in enumerate(heads):
        end = len(text)
        for start2, _, level2, _ in heads[i + 1 :]:
            if level2 <= level:
                end = start2 - 2
                break
        sections.append(Section(t, level, start, end, hend))
    doc = Document(doc_id, path or f"/corpus/{doc_id}.txt", title, "utf-8", text, {}, sections, [])
    doc.paragraphs = [Paragraph(s, e, k, doc.section_at(s)) for s, e, k, _ in paras]
    return doc


LONG_BODY = (
    "职工服务中心设立心灵港湾工作室，为一线职工提供心理咨询、情绪疏导和家庭关系辅导。"
    "工作室每周开放三天，由专业心理咨询师和工会干部轮流值班，累计服务职工二千余人次。"
)


def sample_corpus() -> Corpus:
    doc1 = build_doc(
        "001_harbour",
        "心灵港湾服务职工纪实",
        [
            ("boilerplate", "您现在的位置：首页 > 工会动态"),
            ("heading", 1, "一、建设背景"),
            ("body", "近年来，区总工会围绕职工需求，推进服务阵地建设。" * 3),
            ("heading", 2, "(一)需求调研"),
            ("body", "调研显示，职工最关心的是心理健康和子女教育。" + LONG_BODY),
            ("heading", 2, "(二)方案设计"),
            ("body", "方案提出建设心灵港湾，打造温馨的职工之家。" * 4),
            ("heading", 1, "二、主要做法"),
            ("body", LONG_BODY * 2),
            ("body", "文档中的标记必须原样显示：[bold]不是粗体[/] [@click=app.quit]点我[/] a[i] 和控制字符\x1b]0;pwned\x07结束。"),
            ("heading", 1, "三、工作成效"),
            ("body", "一年来，心灵港湾共开展团体辅导四十场。" + "职工满意度持续提升，" * 10 + "获得广泛好评。"),
            ("boilerplate", "版权所有 © 2024 区总工会"),
        ],
    )
    doc2 = build_doc(
        "002_reform",
        "工會改革的探索與實踐",
        [
            ("heading", 1, "第一章 總體思路"),
            ("body", "深化工會改革，增強政治性、先進性、群眾性。" * 5),
            ("heading", 1, "第二章 具體措施"),
            ("body", "建立心灵港湾服务点十个，覆盖全部街道。" + "推進基層工會規範化建設。" * 6),
        ],
    )
    body3 = [("body", f"第{i}段：长三角G60科创走廊建设持续推进，九城协同发展成效明显。" * 2) for i in range(1, 41)]
    doc3 = build_doc(
        "003_g60",
        "长三角G60科创走廊",
        [("heading", 1, "概述")] + body3[:20] + [("heading", 1, "展望")] + body3[20:],
    )
    return Corpus([doc1, doc2, doc3], [Skipped("/corpus/pipe", "not a regular file (FIFO)")])


def many_results_corpus(extra: int = 60) -> Corpus:
    """The sample corpus and ``extra`` short notices that all say 工会: more
    results than one page, so the search status has its longest forms
    ("123 results (top 50 in 50 docs), 1 ms")."""
    corpus = sample_corpus()
    notices = [build_doc(f"1{i:02d}_notice", f"工会通知第{i}号", [("body", "各级工会组织认真落实。")])
               for i in range(extra)]
    return Corpus(corpus.documents + notices, corpus.skipped)


PINYIN = {
    "xlgw": "心灵港湾",
    "xinlinggangwan": "心灵港湾",
    "ghgg": "工会改革",
    "kczl": "科创走廊",
}


class FakeIndex:
    """Implements the ``Index`` protocol (tui.search.results) with substring
    matching: paging by offset/limit with the exact total, like the engine."""

    def __init__(self, documents, delay: float = 0.0) -> None:
        time.sleep(delay)
        self.documents = list(documents)
        self.searches: list[str] = []
        self.notices: list[str] = []
        self.changes: dict[str, list[str]] = {"reused": [], "rebuilt": [d.path for d in self.documents], "removed": []}

    def warm(self, wait: bool = True) -> None:
        pass

    @staticmethod
    def _term(query: str) -> str:
        from tui.text import to_simplified

        q = query.strip().lower()
        return to_simplified(PINYIN.get(q.replace(" ", ""), q))

    def find_in_document(self, doc, query: str, *, cancelled=None) -> list[tuple[int, int]]:
        from tui.text import to_simplified

        term = self._term(query)
        if not term:
            return []
        text = to_simplified(doc.text).lower()
        out, i = [], text.find(term)
        while i >= 0:
            out.append((i, i + len(term)))
            i = text.find(term, i + len(term))
        return out

    def search(self, query: str, limit: int = 20, *, offset: int = 0, cancelled=None) -> SearchResponse:
        t0 = time.perf_counter()
        self.searches.append(query)
        results = []
        match = "pinyin" if query.strip().lower().replace(" ", "") in PINYIN else "exact"
        for doc in self.documents:
            spans = self.find_in_document(doc, query)
            seen = set()
            for s, e in spans:
                para = next((p for p in doc.paragraphs if p.start <= s < p.end), None)
                if para is None or (para.start, para.end) in seen:
                    continue
                seen.add((para.start, para.end))
                hl = [(a - para.start, b - para.start) for a, b in spans if para.start <= a and b <= para.end]
                si = doc.section_at(para.start)
                results.append(Hit(doc, para.start, para.end, hl, float(len(hl)), match, si))
        results.sort(key=lambda h: -h.score)
        del t0  # a fixed time keeps snapshots stable
        page = results[offset : offset + limit] if limit else results[offset:]
        return SearchResponse(query, len(results), 1.0, page, offset=offset)


def make_app(size=None, *, delay: float = 0.0, corpus: Corpus | None = None, state_dir=False, paths=None):
    """The app on the sample corpus; no persistent state unless ``state_dir``
    is given (then ``paths`` defaults to the sample corpus's root, /corpus)."""
    from tui.app.app import YuelanApp

    if state_dir is not False and paths is None:
        paths = ["/corpus"]
    return YuelanApp(paths, corpus=corpus or sample_corpus(), index_factory=lambda docs: FakeIndex(docs, delay),
                     state_dir=state_dir)


async def wait_index(pilot, app) -> None:
    for _ in range(1500):
        if app.index is not None:
            break
        await pilot.pause(0.01)
    await pilot.pause()


async def wait_results(pilot, app, query: str) -> None:
    for _ in range(1500):
        if app.searching.response is not None and app.searching.response.query == query and app.searching.query == query:
            break
        await pilot.pause(0.01)
    await pilot.pause()


async def wait_settled(pilot, app) -> None:
    """Until the preview of the highlighted result is on screen and every
    result document's hit count is in (what a snapshot may show)."""
    for _ in range(1500):
        if app.settled:
            break
        await pilot.pause(0.01)
    await pilot.pause()


def app_plain(app) -> str:
    """Render the current screen through the compositor into plain lines."""
    compositor = app.screen._compositor
    strips = compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


async def wait_text(pilot, app, text: str, secs: float = 10.0) -> str:
    """Wait until ``text`` is on the screen (palettes search asynchronously)."""
    import time as _time

    end = _time.monotonic() + secs
    screen = app_plain(app)
    while text not in screen and _time.monotonic() < end:
        await pilot.pause(0.05)
        screen = app_plain(app)
    return screen


async def wait_for(pilot, cond, what: str, timeout: float = 60.0):
    """Until ``cond()``; generous, as inotify, workers and index builds
    share two cores with the rest of the suite."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        await pilot.pause(0.025)
    raise AssertionError(f"timed out waiting for {what}")


async def drain(pilot, passes: int = 3) -> None:
    """Until the app and every widget of the screen have handled what was
    queued, and what that queued in turn (a key forwarded to the focused
    widget, a footer recomposed after a focus change): ``pilot.pause()``
    waits for each to handle a marker queued behind everything else;
    ``passes`` rounds of it cover messages that post messages."""
    for _ in range(passes):
        await pilot.pause()

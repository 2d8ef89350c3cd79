"""Planning: a parsed query -> the ways each term may match -> engine queries.

Each term gets matchers (verification, ``matchers.py``) and, for each, a
tantivy query (candidates, ``engine.py``):

* literal (after folding): a phrase of the term's bigrams;
* pinyin, for Latin letters: every segmentation of the letters into
  syllables, initials and a syllable being typed (``gangao``: gang·ao and
  gan·gao; ``xiangcunzhenxi``: the last syllable may still grow); one
  syllable alone matches the characters read that way; quoted, only whole
  syllables;
* the words of a Chinese phrase (jieba) standing close, while the phrase
  itself is rare (fewer than ``SPLIT_GATE`` passages);
* one typo (a wrong, missing or extra character; for pinyin of six letters or
  more, a letter), only for a term that matches nowhere as typed.

Excluded terms (``-term``) remove passages that hold them literally or, for
Latin letters, as whole-syllable pinyin.  ``xin ling gang wan`` (syllables
typed apart) is also read as one run of pinyin.
"""

from __future__ import annotations

from typing import Callable, Sequence

from tui.search import lang, rank
from tui.search.matchers import Fuzzy, Literal, Matcher, Pinyin, Split
from tui.search.normalize import normalize, span_to_orig
from tui.search.query import Query, Term
from tui.search.verify import TermPlan

SPLIT_GATE = 200  # a phrase found in this many passages is not also split into words
PINYIN_TYPO_MIN = 6  # letters a pinyin term needs before a typo is forgiven
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Planner:
    """Plans queries against one engine; gate counts are cached per engine
    generation (a commit changes them).  ``left_out``: queries of passages
    no search returns (a read-only index's changed files), which its counts
    leave out too; the caller appends to it, and counts are made again
    when it grows."""

    def __init__(self, engine, left_out: list | None = None) -> None:
        self.engine = engine
        self.left_out = left_out if left_out is not None else []
        self._gates: dict[tuple, int] = {}
        self._found: set[tuple] = set()  # terms found as typed (by a search's own count)
        self._generation = None

    def _fresh(self, generation) -> None:
        state = (generation, len(self.left_out))
        if state != self._generation:
            self._gates = {}
            self._found = set()
            self._generation = state

    def _count(self, key: tuple, query, searcher, generation) -> int:
        self._fresh(generation)
        c = self._gates.get(key)
        if c is None:
            c = self.count(query, searcher)
            if len(self._gates) > 1024:
                self._gates.clear()
            self._gates[key] = c
        return c

    def count(self, query, searcher) -> int:
        """Passages ``query`` finds that a search may return (not cached)."""
        if self.left_out and query is not None:
            query = self.engine.all_of([query], self.left_out)
        return self.engine.count(query, searcher)

    # ------------------------------------------------------------ terms
    def interpretations(self, q: Query) -> list[list[TermPlan]]:
        terms = list(q.positive)
        joined = joined_pinyin(terms)
        if joined is not None:
            # "xin ling gang wan": one pinyin phrase, or the words literally.
            return [[joined], [TermPlan(t, [Literal(t.text, t.raw)], [Literal(t.text, t.raw)]) for t in terms]]
        return [[term_plan(t) for t in terms]]

    def gate(self, plans: list[TermPlan], searcher, generation, assumed: list | None = None) -> None:
        """Choose each plan's active matchers: the words of a phrase apart
        only while the phrase is rare, typos only for a term found nowhere.

        ``assumed``: a term whose typos hang on whether it is found as typed,
        not known yet, is taken as found and its count added to this list
        instead of searched for (the query's own count then tells, see
        ``settle``).  Counting it first put a second search of the same
        passages on every new term: 7-15 ms at 100 MB."""
        self._fresh(generation)
        for plan in plans:
            active: list[Matcher] = []
            typed = [m for m in plan.matchers if m.kind in ("literal", "pinyin")]
            found = None
            for m in plan.matchers:
                if m.kind == "split":
                    n = self._count(("phrase", plan.term.text), self.engine.literal(plan.term.text), searcher, generation)
                    if n >= SPLIT_GATE:
                        continue
                    if isinstance(m, _LazySplit):
                        real = split_matcher(plan.term)
                        if real is None:
                            continue
                        plan.matchers[plan.matchers.index(m)] = real
                        m = real
                elif m.kind == "fuzzy":
                    if found is None:
                        found = self._found_as_typed(plan, typed, searcher, generation, assumed)
                    if found:
                        continue
                    if isinstance(m, _LazyTypos):
                        active.extend(pinyin_typos(m.word))
                        continue
                active.append(m)
            plan.active = active

    def _typed(self, plan: TermPlan, typed: list[Matcher]) -> tuple[tuple, Callable[[], object]]:
        """The gate's key for ``plan``'s term as typed, and what makes its
        query (made only when it is counted: the key is known once a term
        has been searched).  A term typed only as its own characters is the
        phrase the split gate counts: one count for both (it was counted
        twice)."""
        text = plan.term.text
        if len(typed) == 1 and isinstance(typed[0], Literal) and typed[0].needle == text:
            return ("phrase", text), lambda: self.engine.literal(text)
        return ("typed", text, plan.term.phrase), lambda: self.engine.any_of([self.query(t) for t in typed])

    def _found_as_typed(self, plan, typed, searcher, generation, assumed) -> bool:
        key, make_query = self._typed(plan, typed)
        n = self._gates.get(key)
        if n is not None:
            return n > 0
        if key in self._found:
            return True
        if assumed is not None and not any(m.kind == "split" for m in plan.matchers):
            # Found, the term matches as typed and in no other way, so the
            # query's own count says whether it is.  (Its words apart would
            # match where the term as typed does not: that term is counted.)
            assumed.append((key, make_query))
            return True
        return self._count(key, make_query(), searcher, generation) > 0

    def settle(self, assumed: list, count: int, searcher, generation) -> bool:
        """After a search planned with terms ``assumed`` found (``gate``):
        whether it must be planned again.  A query with a match has every
        term found (one reading of the query, every term required).  With
        none, each assumed term is counted as before.  Only a term whose
        every active matcher is one of its typed ones may be assumed
        (``gate`` sees to it)."""
        if not assumed:
            return False
        self._fresh(generation)
        if count > 0:
            self._found.update(key for key, _ in assumed)
            if len(self._found) > 1024:
                self._found.clear()
            return False
        for key, make_query in assumed:
            self._count(key, make_query(), searcher, generation)
        return True

    def query(self, m: Matcher):
        """The engine query that finds the candidates of matcher ``m``."""
        e = self.engine
        if isinstance(m, Literal):
            return e.literal(m.needle)
        if isinstance(m, Pinyin):
            return e.pinyin(m.pieces, m.prefix)
        if isinstance(m, Split):
            return e.near(m.words, m.limit)
        if isinstance(m, Fuzzy):
            return e.typos(m.term)
        return None

    def term_query(self, plan: TermPlan):
        qs = [self.query(m) for m in plan.active]
        boosts = [rank.ENGINE_BOOST.get(m.kind, 1.0) for m in plan.active]
        return self.engine.any_of(qs, boosts)

    def exclusion(self, t: Term):
        """Passages holding an excluded term: literally, or as whole-syllable pinyin."""
        qs = [self.engine.literal(t.text)]
        if t.latin and len(t.text) >= 2:
            qs += [self.engine.pinyin(m.pieces, m.prefix) for m in pinyin_matchers(t.text, whole=True)]
        return self.engine.any_of(qs)

    def exclusion_matchers(self, negative: Sequence[Term]) -> list[Matcher]:
        out: list[Matcher] = []
        for t in negative:
            out.append(Literal(t.text, t.raw))
            if t.latin and len(t.text) >= 2:
                out.extend(pinyin_matchers(t.text, whole=True))
        return out


class _LazySplit(Matcher):
    """Stands for the term's ``Split`` until the gate lets it through:
    cutting a phrase into words needs jieba, which a common phrase never does."""

    kind = "split"
    quality = rank.Q_SPLIT - 0.15

    def __init__(self, term: Term) -> None:
        self.term = term

    def search(self, idx, pos, endpos):
        return None


class _LazyTypos(Matcher):
    """Stands for the pinyin typos of ``word`` (a few hundred variants to
    segment) until the gate finds the word nowhere as typed."""

    kind = "fuzzy"
    quality = rank.Q_PINYIN_FUZZY

    def __init__(self, word: str) -> None:
        self.word = word

    def search(self, idx, pos, endpos):
        return None


def term_plan(t: Term) -> TermPlan:
    matchers: list[Matcher] = [Literal(t.text, t.raw)]
    latin_pinyin = False
    if t.latin and len(t.text) >= 2:
        py = pinyin_matchers(t.text, whole=t.phrase)
        latin_pinyin = bool(py)
        matchers.extend(py)
        if not t.phrase and len(t.text) >= PINYIN_TYPO_MIN:
            matchers.append(_LazyTypos(t.text))
    if not t.phrase:
        if t.has_cjk and len(t.text) >= 4:
            matchers.append(_LazySplit(t))
        if 3 <= len(t.text) <= 32 and not any(c.isdigit() for c in t.text):
            if not t.latin:
                matchers.append(Fuzzy(t.text))
    matchers.sort(key=lambda m: -m.quality)
    return TermPlan(t, matchers, list(matchers), latin_pinyin)


def pinyin_matchers(word: str, whole: bool = False) -> list[Matcher]:
    """Every reading of typed pinyin as a run of characters.  ``whole``: only
    whole syllables (quoted or excluded terms)."""
    tables = lang.pinyin()
    segs = lang.segmentations(word, tables)
    if 2 <= len(word) <= 16 and all(c in lang.INITIALS for c in word):
        # Initials typed one per character (xlgw, and also "wo": 我区...).
        initials = (tuple(word), (True,) * len(word))
        if initials not in segs:
            segs.append(initials)
    out: list[Matcher] = []
    seen = set()

    def add(pieces, flags, q):
        if (pieces, flags) in seen:
            return
        seen.add((pieces, flags))
        out.append(Pinyin(pieces, flags, q))

    for pieces, flags in segs:
        if len(pieces) == 1 and len(pieces[0]) < 2:
            continue  # one letter alone
        if whole:
            if not any(flags):
                add(pieces, flags, rank.Q_PINYIN_FULL)
            continue
        if not any(flags):
            add(pieces, flags, rank.Q_PINYIN_FULL)
            # The last syllable may still be growing (xi -> xing), unless
            # no reading grows from it (gong, hui, zhi): the same matches
            # again, and a second phrase over every one of them in the
            # engine (zhigong at 100 MB: 84 ms for both, 50 for one).
            last = pieces[-1]
            if tables.by_prefix.get(last) != tables.by_reading.get(last):
                add(pieces, flags[:-1] + (True,), rank.Q_PINYIN_PARTIAL)
        elif all(flags) and all(len(p) == 1 for p in pieces):
            add(pieces, flags, rank.Q_PINYIN_INITIALS)
        else:
            add(pieces, flags, rank.Q_PINYIN_PARTIAL)
    return out


def pinyin_typos(word: str) -> list[Matcher]:
    """Whole-syllable readings of every one-letter edit of ``word``."""
    tables = lang.pinyin()
    variants = set()
    for i in range(len(word) + 1):
        for c in _LETTERS:
            variants.add(word[:i] + c + word[i:])
            if i < len(word):
                variants.add(word[:i] + c + word[i + 1 :])
        if i < len(word):
            variants.add(word[:i] + word[i + 1 :])
    variants.discard(word)
    out: list[Matcher] = []
    for v in sorted(variants):
        for pieces, flags in lang.segmentations(v, tables, 2):
            if any(flags) or len(pieces) < 2:
                continue
            m = Pinyin(pieces, flags, rank.Q_PINYIN_FUZZY)
            m.kind = "fuzzy"
            out.append(m)
    return out[:64]


def joined_pinyin(terms: Sequence[Term]) -> TermPlan | None:
    """``xin ling gang wan``: syllables typed apart, read as one run."""
    if len(terms) < 2 or not all(t.latin and not t.phrase for t in terms):
        return None
    tables = lang.pinyin()
    if not all(t.text in tables.syllables for t in terms[:-1]):
        return None
    joined = "".join(t.text for t in terms)
    if len(joined) > 64:
        return None
    raw = " ".join(t.raw for t in terms)
    term = Term(raw=raw, text=joined)
    pieces = tuple(t.text for t in terms[:-1])
    last = lang.segmentations(terms[-1].text, tables, 1)
    if not last:
        return None
    pieces += last[0][0]
    flags = (False,) * len(terms[:-1]) + last[0][1]
    q = rank.Q_PINYIN_FULL if not any(flags) else rank.Q_PINYIN_PARTIAL
    m = Pinyin(pieces, flags, q)
    return TermPlan(term, [m], [m], False)


def split_matcher(t: Term) -> Split | None:
    text = t.text
    words = lang.cut(text)
    if len(words) < 2:
        return None
    required = [w for w in words if not (len(w) == 1 and w in lang.STOPWORDS)]
    multi = [w for w in required if len(w) >= 2]
    if not multi or sum(len(w) for w in multi) * 2 < len(text):
        return None
    if len(required) == 1 and required[0] == text:
        return None
    # Keep order, drop duplicates; find what the user typed for each word.
    tmap = normalize(t.raw)[1]
    seen: list[str] = []
    raws: list[str] = []
    pos = 0
    for w in required:
        i = text.find(w, pos)
        if i < 0:
            i = text.find(w)
        raw = w
        if i >= 0:
            pos = i + len(w)
            a, b = span_to_orig(tmap, i, i + len(w))
            raw = t.raw[a:b]
        if w not in seen:
            seen.append(w)
            raws.append(raw)
    coverage = sum(len(w) for w in seen) / len(text)
    return Split(seen, limit=max(40, 4 * len(text)), raw_words=raws, coverage=min(1.0, coverage))

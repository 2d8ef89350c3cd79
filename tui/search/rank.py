"""Ranking: every weight, once.

A result's score is ``10 × mean term quality`` plus small signals that never
outweigh a step of quality (exact > folded > pinyin > fuzzy):

* quality per term: how it matched (below), +``EXACT_BONUS`` when the
  original characters are exactly what was typed, +``WORD_BONUS`` when a
  pinyin match is a common word of jieba's dictionary (港澳 before 敢告),
  +``MAIN_READING_BONUS`` when each character is read its usual way;
* ``PROXIMITY``: several terms close together;
* ``KIND_BONUS``: headings and titles up, boilerplate down;
* ``HEAD_BONUS``: a term that also stands in the document title or section;
* ``REPEAT_BONUS``: more hits of the terms in the passage (at most four).

tantivy's own ranking (BM25 with the ``ENGINE_BOOST`` of each way to match,
times the ``ENGINE_KIND_FACTOR`` of the passage's kind) only chooses which
candidates are scored here; ties keep document order.
"""

from __future__ import annotations

from collections import deque


# How good a hit of each kind is.
Q_LITERAL = 1.0
Q_PINYIN_FULL = 0.8
Q_PINYIN_PARTIAL = 0.76
Q_PINYIN_INITIALS = 0.7
Q_FUZZY = 0.62  # one edit from the whole term: above words far apart, below words together
Q_SPLIT = 0.6  # the words of a phrase apart (0.45 .. 0.7 by coverage and compactness)
Q_PINYIN_FUZZY = 0.6  # pinyin with one wrong, missing or extra letter
Q_IN_WORD = 0.5  # letters inside a longer Latin word, for a query that reads as pinyin

EXACT_BONUS = 0.03
WORD_BONUS = 0.03  # a pinyin match that is a common word (jieba frequency >= WORD_MIN_FREQ)
WORD_MIN_FREQ = 50
MAIN_READING_BONUS = 0.02  # every character read by its main reading (香 xiang before 洋 xiang)
PROXIMITY = 1.0
HEADING_BONUS = 0.8
BOILERPLATE_PENALTY = 1.5
KIND_BONUS = {"body": 0.0, "heading": HEADING_BONUS, "title": HEADING_BONUS, "boilerplate": -BOILERPLATE_PENALTY}
HEAD_BONUS = 0.3
REPEAT_BONUS = 0.05
REPEAT_CAP = 4

# Boosts of the candidate queries, so that tantivy's top candidates are the
# ones this ranking puts first.
ENGINE_BOOST = {"literal": 4.0, "pinyin": 2.0, "split": 1.0, "fuzzy": 0.5}
# tantivy's score times this, by the passage's kind: headings and titles up,
# boilerplate down.  A factor read from a fast field as the top hits are
# collected (``engine.kind_weight``); as should-clauses of a query, the same
# boosts cost more than the search itself (8.5 against 1.5 ms for 工会 at
# 100 MB): their postings cover nearly every passage.
# Wide enough apart to outweigh BM25's length normalisation (a short passage
# scores up to 3x a long one): this ranking gives a heading +0.8 whatever
# its length, so the candidates should hold the matching headings.  On 262
# queries drawn from the real corpus, against the additive boosts before,
# the top 20 scored (by this ranking) the same or better for 261 (1.2/1.35:
# 15 worse, mostly headings of common one-character terms left out).
ENGINE_KIND_FACTOR = {"boilerplate": 1.0, "body": 1.5, "heading": 2.5, "title": 2.5}


def score(qualities: list[float], term_spans: list[list[tuple[int, int]]], kind: str, in_heads: int) -> float:
    """The score of a passage: ``qualities`` and ``term_spans`` per term
    (spans in the passage's searchable text), its kind, and how many terms
    also stand in its title or section heading."""
    n = len(qualities)
    s = 10.0 * sum(qualities) / n
    if len(term_spans) > 1:
        occ = [(a, b, k) for k, sp in enumerate(term_spans) for a, b in sp]
        win = min_window(occ, len(term_spans))
        if win is not None:
            lo, hi, chosen = win
            gap = max(0, (hi - lo) - sum(b - a for a, b in chosen))
            s += PROXIMITY / (1.0 + gap / 10.0)
    s += KIND_BONUS.get(kind, 0.0)
    s += HEAD_BONUS * in_heads / n
    extra = sum(len(sp) for sp in term_spans) - len(term_spans)
    s += REPEAT_BONUS * min(REPEAT_CAP, extra)
    return s


def split_quality(coverage: float, compactness: float) -> float:
    """0.45..0.7: more of the phrase covered, words closer together: better."""
    return Q_SPLIT - 0.15 + 0.15 * coverage + 0.1 * compactness


def min_window(occ: list[tuple[int, int, int]], k: int):
    """Tightest window containing one occurrence of each of ``k`` groups.

    ``occ`` holds (start, end, group).  Returns (lo, hi, spans) or None.
    """
    if k == 0:
        return None
    occ = sorted(occ)
    counts = [0] * k
    have = 0
    best = None
    left = 0
    ends: deque[int] = deque()  # indexes in the window, by falling end: its end is occ[ends[0]]
    for right in range(len(occ)):
        g = occ[right][2]
        if counts[g] == 0:
            have += 1
        counts[g] += 1
        end = occ[right][1]
        while ends and occ[ends[-1]][1] <= end:
            ends.pop()
        ends.append(right)
        while have == k:
            lo = occ[left][0]
            hi = occ[ends[0]][1]
            if best is None or hi - lo < best[1] - best[0]:
                best = (lo, hi, left, right)
            g2 = occ[left][2]
            counts[g2] -= 1
            if counts[g2] == 0:
                have -= 1
            if ends[0] == left:
                ends.popleft()
            left += 1
    if best is None:
        return None
    lo, hi, l, r = best
    chosen: dict[int, tuple[int, int]] = {}
    for a, b, g in occ[l : r + 1]:
        if g not in chosen:
            chosen[g] = (a, b)
    # Prefer, for each group, the occurrence inside the window nearest the
    # others; the first one found is good enough for highlights.
    return lo, hi, list(chosen.values())

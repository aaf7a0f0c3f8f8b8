"""Near-duplicate text: the quick way of making it gives exactly what the plain way gave
(search.fields.plain_markdown, then normalise, then WORD's characters)."""

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.duplicates import (
    MULTIPLIER, NOT_WORD, SKETCH, Sketch, _never_kept, _shingles, candidate_pairs, comparable_text, shingle_hashes,
    text_sketch,
)
from generator.search.fields import plain_markdown
from generator.search.text import WORD, _t2s_table, normalise

# every code point a str can hold from a UTF-8 file (no surrogates)
EVERY_CHARACTER = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


def plain_way(texts: list[str]) -> str:
    return "".join(WORD.findall(normalise(" ".join(plain_markdown(t) for t in texts))))


def normalise_per_character(text: str) -> str:
    """normalise as it was first written: t2s, then full-width ASCII folded one character at a time."""
    text = text.translate(_t2s_table())
    text = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)
    return text.lower()


def test_normalise_is_unchanged_for_every_character():
    assert normalise(EVERY_CHARACTER) == normalise_per_character(EVERY_CHARACTER)
    assert normalise("網格化管理，ＡＢ（Ｋ）") == normalise_per_character("網格化管理，ＡＢ（Ｋ）") == "网格化管理,ab(k)"


def test_not_word_is_exactly_what_word_does_not_keep():
    assert NOT_WORD.sub("", EVERY_CHARACTER) == "".join(WORD.findall(EVERY_CHARACTER))


def test_characters_dropped_before_normalising_never_become_one_word_keeps():
    dropped = "".join(_never_kept().findall(EVERY_CHARACTER))
    assert len(dropped) > 1_000_000  # nearly everything: the quick path is worth having
    assert WORD.findall(normalise(dropped)) == []
    assert "，" in dropped and "（" in dropped and "Ａ" not in dropped and "網" not in dropped


def test_never_kept_drops_what_its_case_insensitive_definition_drops():
    """_never_kept lists the characters as ranges, without IGNORECASE: the same ones, on every character."""
    import re

    from generator.search.text import HAN, _normalise_table

    _, table = _normalise_table()
    becomes_word = "".join(re.escape(chr(code)) for code, to in sorted(table.items()) if NOT_WORD.sub("", to.lower()))
    defined = re.compile(rf"[^{HAN}0-9a-z{becomes_word}]", re.IGNORECASE)
    assert _never_kept().findall(EVERY_CHARACTER) == defined.findall(EVERY_CHARACTER)
    assert not _never_kept().flags & re.IGNORECASE


HOSTILE = [
    "網格化管理，推行“一評四會”（試點）",
    "见[鹤壁市一平四会](https://example.org/网格?a=1)与![图片说明](/img/x.png)",
    "[未闭合的链接](没有右括号 和 [嵌套 [括号]](x) 以及 ](",
    "**加粗** _斜体_ `代码` # 标题 > 引用 | 表格",
    "ＡＢＣ１２３ａｂｃ K ſ ı İ Σ ΑΣ ǅ",
    "第一行\n第二行\t制表\u3000全角空格\u00a0不换行",
    "",
]


def test_comparable_text_is_the_plain_way_on_hostile_text():
    for texts in ([t] for t in HOSTILE):
        assert comparable_text(texts) == plain_way(texts), texts
    assert comparable_text(HOSTILE) == plain_way(HOSTILE)
    assert comparable_text(["见[甲](http://a)", "乙](http://b)"]) == plain_way(["见[甲](http://a)", "乙](http://b)"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.text(alphabet="[]()!*_`#>| \n网格網ＡａA1１Kİ：，http:/.", max_size=40), max_size=4))
def test_comparable_text_is_the_plain_way_on_random_markdown(texts):
    assert comparable_text(texts) == plain_way(texts)


# --- the sketch's hashes -------------------------------------------------------------------------


def hash_one_by_one(shingle: str) -> int:
    """A shingle's hash as duplicates.shingle_hashes defines it, one shingle at a time."""
    number = sum(ord(c) << (16 * k) for k, c in enumerate(shingle))
    return (number * MULTIPLIER % 2**64) >> 32


def sketch_one_by_one(text: str) -> Sketch:
    return Sketch(tuple(sorted({hash_one_by_one(s) for s in _shingles(text)})[:SKETCH]))


SKETCHED = ["", "网", "网格", "网格化", "网格化管", "网格化管理", "aaaaaaaaaa", "ab" * 300,
            comparable_text(HOSTILE), "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(3000)),
            "".join(chr(0x9FFF - i % 50) for i in range(1000)), "zz" + "\uffff\ufaff9" * 200]


def test_shingle_hashes_are_each_shingles_hash_in_order():
    for text in SKETCHED:
        shingles = [text[i:i + 4] for i in range(len(text) - 3)] if len(text) > 4 else [text] * bool(text)
        assert list(shingle_hashes(text)) == [hash_one_by_one(s) for s in shingles], text[:20]


def test_sketch_is_the_bottom_k_of_the_distinct_shingles_hashes():
    for text in SKETCHED:
        assert text_sketch(text) == sketch_one_by_one(text), text[:20]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(alphabet="网格化管理一平四会0123456789abcz\u4e00\u9fff\uf900", max_size=2000))
def test_sketch_is_the_bottom_k_on_random_text(text):
    assert text_sketch(text) == sketch_one_by_one(text)


# --- candidate pairs -----------------------------------------------------------------------------

def candidates_by_hand(sketches: list[Sketch]) -> list[tuple[int, int]]:
    """Every pair, counted in full: the values both sketches hold that 2 to `crowded` sketches hold."""
    from collections import Counter

    holders = Counter(h for (hashes,) in sketches for h in hashes)
    crowded = max(20, len(sketches) // 50)
    useful = [{h for h in hashes if 2 <= holders[h] <= crowded} for (hashes,) in sketches]
    return [(i, j) for i in range(len(sketches)) for j in range(i + 1, len(sketches))
            if len(useful[i] & useful[j]) >= SKETCH // 8]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sets(st.integers(0, 60), max_size=40).map(lambda values: Sketch(tuple(sorted(values)))),
                max_size=50))
def test_candidate_pairs_are_the_pairs_sharing_enough_uncrowded_values(sketches):
    """Counting without each record's largest buckets, then counting the candidates in full, finds
    exactly the pairs a count of every shared value finds (few values: many pairs, crowded ones too)."""
    assert list(candidate_pairs(sketches)) == candidates_by_hand(sketches)


def test_candidate_pairs_on_sketches_of_near_copies():
    import random

    rng = random.Random(14)
    base = [rng.sample(range(10_000), SKETCH) for _ in range(30)]
    # copies sharing 0 to 12 values with their original, beside unrelated sketches
    sketches = [Sketch(tuple(sorted(values))) for values in base]
    for n, values in enumerate(base):
        shared = values[:n % 13]
        sketches.append(Sketch(tuple(sorted(shared + rng.sample(range(10_000, 20_000), SKETCH - len(shared))))))
    found = list(candidate_pairs(sketches))
    assert found == candidates_by_hand(sketches)
    assert {j - i for i, j in found} == {30} and len(found) == sum(1 for n in range(30) if n % 13 >= SKETCH // 8)

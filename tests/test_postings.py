"""The search index's postings: an update after an edit gives exactly what a fresh computation gives."""

from __future__ import annotations

import random
from collections import Counter

from generator.search.fields import Doc
from generator.search.postings import RecordPostings, field_averages, site_postings

WORDS = ["网格", "治理", "调解", "党建", "积分", "村规", "民约", "矛盾", "纠纷", "平安", "综治", "中心"]


def corpus(count: int, seed: int = 1) -> list[Doc]:
    rng = random.Random(seed)
    return [Doc(f"r{i:04d}", {"title": rng.choices(WORDS, k=3), "body": rng.choices(WORDS, k=rng.randint(20, 30))})
            for i in range(count)]


def df_of(docs: list[Doc]) -> Counter:
    df: Counter = Counter()
    for doc in docs:
        df.update(set().union(*map(set, doc.tokens.values())))
    return df


def fresh(docs: list[Doc]) -> dict:
    return {term: list(p) for term, p in RecordPostings().update(docs, df_of(docs)).items()}


def decoded(postings: dict) -> dict[str, dict[int, int]]:
    """{term: {doc index: weight}} from the delta-encoded lists."""
    out = {}
    for term, plist in postings.items():
        index, weights = 0, {}
        for k in range(0, len(plist), 2):
            index += plist[k]
            weights[index] = plist[k + 1]
        out[term] = weights
    return out


def test_an_update_after_edits_equals_a_fresh_computation():
    docs = corpus(200)
    docs[150] = Doc("r0150", {"title": ["独有", "独有", "网格"], "body": docs[150].tokens["body"]})
    state = RecordPostings()
    state.update(docs, df_of(docs))
    edited = list(docs)
    # the same lengths (the averages stay): a word swapped for a new one (a new list), one record's
    # words all replaced (its only word's list goes), and one record the same text in a new object
    edited[17] = Doc("r0017", {"title": docs[17].tokens["title"], "body": docs[17].tokens["body"][1:] + ["新词"]})
    edited[150] = Doc("r0150", {name: ["平安"] * len(words) for name, words in docs[150].tokens.items()})
    edited[199] = Doc("r0199", dict(docs[199].tokens))
    assert field_averages(d.tokens for d in edited) == state.averages  # the incremental path is the one taken
    got = {term: list(p) for term, p in state.update(edited, df_of(edited)).items()}
    assert got == fresh(edited)
    assert list(decoded(got)["新词"]) == [17] and "独有" not in got
    assert 150 not in decoded(got)["网格"] and 150 in decoded(got)["平安"]


def test_a_record_added_or_removed_renumbers_every_list():
    docs = corpus(50)
    state = RecordPostings()
    state.update(docs, df_of(docs))
    fewer = docs[:10] + docs[11:]
    assert {t: list(p) for t, p in state.update(fewer, df_of(fewer)).items()} == fresh(fewer)
    more = fewer + corpus(3, seed=2)
    more[-1] = Doc("r9999", more[-1].tokens)
    assert {t: list(p) for t, p in state.update(more, df_of(more)).items()} == fresh(more)


def test_averages_keep_three_significant_digits():
    assert field_averages([{"body": ["a"] * 1234}, {"body": ["a"] * 1235}]) == {"body": 1230.0}
    assert field_averages([{"title": ["a", "b"]}, {"title": ["a"]}, {"title": ["a"]}]) == {"title": 1.33}


def test_pages_follow_the_records_and_rank_below_the_same_text():
    docs = corpus(5)
    same = {"title": docs[2].tokens["title"], "body": docs[2].tokens["body"]}
    state = RecordPostings()
    state.update(docs, df_of(docs))
    postings = decoded(site_postings(state, [{"title": ["关于"]}, same], df_of(docs)))
    assert postings["关于"] == {5: postings["关于"][5]}  # the first page is document 5, after the records
    word = docs[2].tokens["title"][0]
    assert 6 in postings[word] and postings[word][6] < postings[word][2]

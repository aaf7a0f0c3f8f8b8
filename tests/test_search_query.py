"""The shared query semantics (generator/search/query.py) on a tiny hand-made index: what each step
does, independent of the seed catalogue. The worker does the same (tests/test_search_agreement.py)."""

from generator.search.query import PARAMS, Engine, idf_weight, pieces, suggestions, synonym_table, thesaurus_groups


def postings(docs: list[dict[str, int]], pages: list[dict[str, int]] = ()) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    last: dict[str, int] = {}
    for d, terms in enumerate([*docs, *pages]):
        for term, weight in sorted(terms.items()):
            out.setdefault(term, []).extend([d - last.get(term, 0), weight])
            last[term] = d
    return out


DOCS = [
    {"一评四会": 50, "一评": 10, "四会": 10, "矛盾": 20, "纠纷": 20, "化解": 10},
    {"网格化": 40, "网格": 30, "管理": 10, "网格员": 20},
    {"群防群治": 40, "群防": 10, "群治": 10, "治安": 10},
    {"矛盾": 10, "纠纷": 10, "调解": 30, "化解": 10},
    {"村规民约": 40, "管理": 5, "分类": 5},
]
ENGINE = Engine(postings(DOCS, [{"关于": 5, "网格": 5}]), len(DOCS),
                synonym_table(thesaurus_groups([["群防群治", "群防群控"]])))


def ranked(query: str) -> list[int]:
    return [d for d, _ in ENGINE.search(query).ranked]


def test_question_and_function_words_are_dropped():
    assert [w.text for w in ENGINE.words("如何化解矛盾纠纷?")] == ["化解", "矛盾", "纠纷"]
    assert ranked("怎么做网格化管理") == ranked("网格化管理") == [1]


def test_a_word_begins_longer_words_and_a_slip_is_found_below_exact():
    assert ENGINE.words("一评")[0].kind == "exact"
    prefix = ENGINE.words("一评四")[0]
    assert prefix.kind == "prefix" and prefix.alts == [(("一评四会",), PARAMS["prefix"])]
    slip = ENGINE.words("一评四汇")[0]
    assert slip.kind == "slip" and slip.alts == [(("一评四会",), PARAMS["slip"])]
    assert ranked("一评四汇") == [0]
    assert ENGINE.search("一评四汇").ranked[0][1] < ENGINE.search("一评四会").ranked[0][1]


def test_a_long_word_backs_off_to_its_parts():
    word = ENGINE.words("矛盾纠纷")[0]  # not an index word: cut into its index words
    assert [w.text for w in ENGINE.words("矛盾纠纷")] == ["矛盾", "纠纷"] and word.kind == "exact"


def test_near_synonyms_are_searched_and_reported():
    result = ENGINE.search("群防群控")
    assert [d for d, _ in result.ranked] == [2] and result.also == ["群防群治"]


def test_too_little_coverage_finds_nothing():
    assert ranked("垃圾分类") == []  # 分类 is in one record, 垃圾 in none
    assert ranked("调解") == [3]


def test_pages_rank_but_do_not_cut_or_weigh():
    assert ENGINE.has("网格") and not ENGINE.has("关于")
    assert ranked("网格")[0] == 1 and len(DOCS) in ranked("网格")


def test_helpers():
    assert pieces("abc网格12 治理") == ["abc", "网格", "12", "治理"]
    assert idf_weight(0, 40) > idf_weight(20, 40) > 0
    assert suggestions("枫桥式派出所", ["三治融合", "枫桥经验", "一站式"]) == ["枫桥经验", "一站式"]

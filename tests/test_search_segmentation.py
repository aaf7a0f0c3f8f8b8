"""The analyzer's fast segmentation (`Analyzer.tokens`) gives exactly jieba's words (`Analyzer.spans`,
jieba's own `tokenize`): on the seed catalogue, on a synthetic one, and on generated text that mixes
dictionary words, domain terms, letters, digits, punctuation, whitespace and rare characters."""

import sys

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from generator.check import check_catalog
from generator.search import Analyzer, domain_terms, record_fields

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402


def jieba_words(analyzer: Analyzer, text: str, search: bool) -> list[str]:
    return [word for word, _, _ in analyzer.spans(text, search=search)]


def assert_same_words(analyzer: Analyzer, texts) -> int:
    count = 0
    for text in texts:
        for search in (True, False):
            assert analyzer.tokens(text, search=search) == jieba_words(analyzer, text, search), (text, search)
            count += 1
    return count


@pytest.fixture(scope="module")
def seed_analyzer():
    catalog = check_catalog(ROOT / "catalog", base=ROOT).catalog
    return catalog, Analyzer(domain_terms(catalog))


def test_fast_segmentation_gives_jieba_s_words_on_the_seed_catalogue(seed_analyzer):
    catalog, analyzer = seed_analyzer
    texts = [text for record in catalog.records for text in record_fields(catalog, record).values()]
    assert assert_same_words(analyzer, texts) == 2 * len(texts) > 100
    # twice: the second time every run of characters comes from what the first pass remembered
    assert assert_same_words(analyzer, texts) == 2 * len(texts)


def test_fast_segmentation_gives_jieba_s_words_on_a_synthetic_catalogue(tmp_path):
    catalog = check_catalog(synth.generate(tmp_path / "catalog", 60)).catalog
    analyzer = Analyzer(domain_terms(catalog))
    texts = [text for record in catalog.records for text in record_fields(catalog, record).values()]
    assert assert_same_words(analyzer, texts) == 2 * len(texts) >= 240


def _pieces(analyzer: Analyzer) -> list[str]:
    words = sorted(w for w, f in analyzer._tok.FREQ.items() if f and len(w) > 1)
    step = max(1, len(words) // 1500)
    return (words[::step] + list(analyzer.terms)
            + list("abcXYZ019+#&._%-，。、；：？！（）“”《》 \t\n\r　ＡＢ１２網綜調㐀㐁鿖鿿豈𠀀的了和与在是")
            + ["\r\n", "2022年", "covid-19", "a1b2", "ｗｗｗ．"])


@pytest.fixture(scope="module")
def generated_analyzer(seed_analyzer):
    analyzer = seed_analyzer[1]
    return analyzer, _pieces(analyzer)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fast_segmentation_gives_jieba_s_words_on_generated_text(generated_analyzer, data):
    analyzer, pieces = generated_analyzer
    text = "".join(data.draw(st.lists(st.sampled_from(pieces), max_size=40)))
    assert_same_words(analyzer, [text])

"""The relevance test set and its metrics (bench/relevance.py): the set is well-formed and judges
only records that exist, and the metrics rank a perfect answer above a poor one."""

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import relevance  # noqa: E402

TYPES = {"名称", "主题", "短词", "地区+主题", "繁体", "问句", "错字", "近义词", "无结果"}


@pytest.fixture(scope="module")
def queries():
    return relevance.load_queries()


def test_the_set_covers_every_query_type_with_enough_queries(queries):
    assert len(queries) >= 60
    assert {q.type for q in queries} == TYPES
    assert len({q.text for q in queries}) == len(queries), "a query is judged twice"
    assert all(q.relevant == {} for q in queries if q.type == "无结果")
    assert all(q.relevant for q in queries if q.type != "无结果")


def test_judgments_name_existing_records_with_grades_one_to_three(queries):
    ids = {p.stem for p in (ROOT / "catalog").glob("*/*.yml")}
    for q in queries:
        assert set(q.relevant) <= ids, f"{q.text}: {set(q.relevant) - ids}"
        assert all(grade in (1, 2, 3) for grade in q.relevant.values()), q.text


def test_metrics_prefer_the_ideal_ranking():
    judged = {"a": 3, "b": 2, "c": 1}
    assert relevance.ndcg_at(["a", "b", "c"], judged) == pytest.approx(1.0)
    assert relevance.ndcg_at(["c", "b", "a"], judged) < relevance.ndcg_at(["a", "c", "b"], judged) < 1.0
    assert relevance.ndcg_at(["x", "y"], judged) == 0.0
    assert relevance.recall_at(["a", "x", "c"], judged) == pytest.approx(2 / 3)
    assert relevance.reciprocal_rank(["x", "b"], judged) == 0.5


def test_score_counts_empty_answers_and_false_hits():
    qs = [relevance.Query("有", "名称", {"a": 3}), relevance.Query("空", "名称", {"a": 3}),
          relevance.Query("无", "无结果", {})]
    result = relevance.score(qs, {"有": ["a"], "空": [], "无": ["z"]})
    assert result["全部"]["zero"] == 0.5
    assert result["全部"]["false_hits"] == 1
    assert result["名称"]["ndcg@5"] == pytest.approx(0.5)


def test_site_hits_are_read_as_record_ids_only():
    hrefs = ["http://h/practices/a/", "http://h/practices/a/#成效", "http://h/glossary/#x",
             "http://h/policies/b.html", "http://h/practices/"]
    assert relevance.record_ids(hrefs, "/") == ["a", "b"]

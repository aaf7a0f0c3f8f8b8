"""`kb search` and the site's search worker give the same answer: for every query of the relevance
test set (and a few more), the same records in the same order, the same near-synonyms shown.

The worker (generator/assets/search-worker.js, as built into the site's index) runs in node
(tests/worker_node.js) over the index files the site build writes; the command line's ranking is
`WhooshIndex.search`, as `kb search` runs it."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from generator.pipeline import check_catalog
from generator.search.cli import WhooshIndex
from generator.search.site import PageEntry, SiteSearch, build

sys.path.insert(0, str(ROOT / "bench"))
import relevance  # noqa: E402

NODE = shutil.which("node")
EXTRA = ["三治融合", "网格", "调处矛盾", "群防群控 衡阳", "社会工作者", "协商议事", "the", "12345", "一门式服务",
         "如何做好基层减负", "網格員", "四议两公看", "说议筹做评", "五强五优", "垃圾分类", "鹤壁市是怎么做网格化的"]


@pytest.fixture(scope="module")
def node():
    if NODE is None:
        if os.environ.get("CI"):
            pytest.fail("node is required in CI (.ci/run installs it)")
        pytest.skip("node is not installed")
    return NODE


@pytest.fixture(scope="module")
def catalog():
    return check_catalog(ROOT / "catalog").catalog


@pytest.fixture(scope="module")
def site_answers(node, catalog, tmp_path_factory):
    """The worker's answers over an index built as the site builds it (records, then pages)."""
    site = tmp_path_factory.mktemp("site")
    search = SiteSearch(catalog, site / ".cache")
    urls = {r.id: f"practices/{r.id}/" for r in catalog.records}
    pages = [PageEntry("about/", "关于本库", "本库收录市域社会治理的实践案例、政策文件和创新项目。网格 调解 协商"),
             *(PageEntry(f"glossary/#{t.id}", t.term, t.definition) for t in catalog.glossary)]
    files = build(search.corpus, urls, pages, {"lang": ["zh"]}, search.synonyms)
    for rel, data in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    queries = [q.text for q in relevance.load_queries()] + EXTRA
    qfile = site / "queries.json"
    qfile.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([node, str(ROOT / "tests" / "worker_node.js"), str(site), str(qfile)],
                          capture_output=True, text=True, check=True)
    answers = json.loads(done.stdout)
    ids = [d.id for d in search.corpus.docs]
    return {q: ([ids[d] for d, _ in a["ranked"] if d < len(ids)],
                dict(a, records=[s for d, s in a["ranked"] if d < len(ids)])) for q, a in answers.items()}


@pytest.fixture(scope="module")
def cli(catalog, tmp_path_factory):
    return WhooshIndex(catalog, tmp_path_factory.mktemp("whoosh")).open()


def test_the_cli_and_the_site_give_the_same_top_ten_in_the_same_order(site_answers, cli):
    differ = []
    for query, (site_ids, _) in site_answers.items():
        cli_ids = [h.id for h in cli.search(query, limit=10)]
        if cli_ids != site_ids[:10]:
            differ.append(f"{query}: kb search {cli_ids} / site {site_ids[:10]}")
    assert not differ, "\n".join(differ)
    assert sum(bool(ids) for ids, _ in site_answers.values()) > 70  # the comparison is not of empty lists


def test_the_same_scores_and_near_synonyms(site_answers, cli):
    for query in ("群防群控", "社会工作者", "调处矛盾", "如何预防和化解矛盾纠纷", "一评四汇"):
        hits = cli.search(query, limit=10)
        _, answer = site_answers[query]
        assert [h.score for h in hits] == answer["records"][: len(hits)], query
    for query, also in (("群防群控", ["群防群治"]), ("社会工作者", ["社工", "社会工作人才"]), ("调处矛盾", ["调解"])):
        cli.search(query)
        assert site_answers[query][1]["also"] == cli.last.also == also, query


def test_pages_rank_on_the_site_but_never_cut_the_query(site_answers):
    # the about page holds 网格: it may be listed, but the records come first
    ids, answer = site_answers["网格"]
    assert ids[0] in {"yuhu-da-wangge", "hebi-zongzhi-wangge", "guangdonglu-dangjian-wangge"}


def test_an_unrelated_topic_finds_nothing_and_suggests_terms(site_answers, cli):
    ids, answer = site_answers["垃圾分类"]
    assert ids == [] and cli.search("垃圾分类") == []
    assert answer["ranked"] == []

"""Search without a browser: the domain dictionary, the analyzer, `kb search` over whoosh, related
records, near-duplicates, the site's search index files, and the build's refusal without jieba."""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.check import check_catalog
from generator.cli import main
from generator.problems import promote_warnings, report_text
from generator.search.cli import WhooshIndex
from generator.search import (
    Analyzer,
    Corpus,
    domain_terms,
    normalise,
    record_fields,
    similar_records,
)

from conftest import FIXTURES, ROOT
from generator.search.site import read_docs

REAL = ROOT / "catalog"


@pytest.fixture(scope="module")
def real_catalog():
    result = check_catalog(REAL, base=ROOT)
    if any(p.is_error for p in promote_warnings(result.problems)):
        pytest.skip("catalog/ does not pass kb check --strict right now")
    return result.catalog


@pytest.fixture(scope="module")
def real_index(real_catalog, tmp_path_factory):
    return WhooshIndex(real_catalog, tmp_path_factory.mktemp("whoosh")).open()


# --- one vocabulary ------------------------------------------------------------------------------

def test_domain_dictionary_holds_the_terms_officials_type(real_catalog):
    terms = set(domain_terms(real_catalog))
    assert {"三治融合", "四议两公开", "一评四会", "积分换项目", "综治中心", "网格化", "鹤壁"} <= terms


def test_a_domain_term_is_one_word(real_catalog):
    ours = Analyzer(domain_terms(real_catalog))
    for term in ("三治融合", "四议两公开", "一评四会", "积分换项目"):
        sentence = f"推行{term}工作机制"
        assert ours.query_terms(sentence) == ["推行", term, "工作", "机制"], term
        assert term in ours.tokens(sentence)  # search mode: the whole word and its dictionary parts


def test_traditional_and_simplified_find_each_other():
    assert normalise("網格化管理與綜治中心") == "网格化管理与综治中心"
    assert len(normalise("網格ＡＢ")) == len("網格ＡＢ")  # offsets stay valid for highlighting
    assert normalise("ＡＢ") == "ab"


# --- kb search over whoosh -----------------------------------------------------------------------

def test_yiping_sihui_finds_hebi_first(real_index):
    hits = real_index.search("一评四会")
    assert hits[0].id == "hebi-yiping-sihui"
    assert "【一评四会】" in hits[0].snippet


def test_sanzhi_ronghe_finds_records_about_it_not_scattered_characters(real_index, real_catalog):
    hits = real_index.search("三治融合")
    assert hits
    for hit in hits:
        record = real_catalog.by_id[hit.id]
        text = normalise(" ".join(record_fields(real_catalog, record).values()))
        assert "三治融合" in text, f"{hit.id} matched without containing 三治融合"
    about = {r.id for r in real_catalog.records if "sanzhi-ronghe" in r.models}
    assert about <= {h.id for h in real_index.search("三治融合", limit=1000)}


def test_wangge_finds_the_grid_records(real_index):
    ids = [h.id for h in real_index.search("网格")]
    assert {"hebi-zongzhi-wangge", "yuhu-da-wangge"} <= set(ids[:5])


def test_jifen_huan_xiangmu_finds_dongkou(real_index, real_catalog):
    hits = real_index.search("积分换项目")
    assert hits[0].id == "dongkou-jifen-huan-xiangmu"
    assert all(h.region in real_catalog.region_and_descendants("dongkou") for h in hits)


def test_filters(real_index, real_catalog):
    in_hebi = set(real_catalog.region_and_descendants("hebi"))
    hits = real_index.search("网格", region="hebi")
    assert hits and all(h.region in in_hebi for h in hits)
    assert all(h.kind == "project" for h in real_index.search("网格", kinds=["project"]))
    assert real_index.search("网格", kinds=["project"])
    assert all("duoyuan-tiaojie" in h.models for h in real_index.search("调解", models=["duoyuan-tiaojie"]))
    years = real_index.search("网格", years=[2018])
    assert years and all(h.year == 2018 for h in years)
    # a region's children count: a province finds its cities' records
    province = real_catalog.region_path("hebi")[0].id
    assert {h.id for h in hits} <= {h.id for h in real_index.search("网格", region=province)}


def test_no_match(real_index):
    assert real_index.search("航天飞机发射") == []
    assert real_index.search("的") == []  # only a stop word


def test_index_is_rebuilt_only_for_changed_records(valid_catalog, tmp_path):
    cache = tmp_path / "whoosh"
    first = WhooshIndex(check_catalog(valid_catalog).catalog, cache).open()
    assert first.updated == ["jifen-pingtai", "shifang-fangan", "wangge-bihuan"]
    again = WhooshIndex(check_catalog(valid_catalog).catalog, cache).open()
    assert again.updated == [] and again.removed == []
    path = valid_catalog / "practices" / "wangge-bihuan.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("闭环处置。", "闭环处置,限时办结。"), encoding="utf-8")
    changed = WhooshIndex(check_catalog(valid_catalog).catalog, cache).open()
    assert changed.updated == ["wangge-bihuan"] and changed.removed == []
    assert [h.id for h in changed.search("限时办结")] == ["wangge-bihuan"]
    # a removed record leaves the index (its tags leave the dictionary too: a full rebuild)
    (valid_catalog / "projects" / "jifen-pingtai.yml").unlink()
    path.write_text(path.read_text(encoding="utf-8").replace("related: [jifen-pingtai]", "related: []"), encoding="utf-8")
    gone = WhooshIndex(check_catalog(valid_catalog).catalog, cache).open()
    assert "jifen-pingtai" not in {h.id for h in gone.search("积分")}


def test_kb_search_command(real_catalog, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    cache = ["--cache", str(tmp_path / "whoosh")]
    done = runner.invoke(main, ["search", "一评四会", "--format", "json", *cache])
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["results"][0]["id"] == "hebi-yiping-sihui"
    assert data["results"][0]["region_name"] == real_catalog.regions["hebi"].name

    done = runner.invoke(main, ["search", "积分换项目", *cache])
    assert done.exit_code == 0
    assert done.stdout.startswith("1. dongkou-jifen-huan-xiangmu  ")
    assert "【积分换项目】" in done.stdout

    done = runner.invoke(main, ["search", "网格", "--region", "yuhu", "--kind", "practice", "--format", "json", *cache])
    ids = [r["id"] for r in json.loads(done.stdout)["results"]]
    assert "yuhu-da-wangge" in ids and all(i.startswith("yuhu-") for i in ids)

    done = runner.invoke(main, ["search", "航天飞机发射", *cache])
    assert done.exit_code == 0 and done.stdout == ""
    assert "没有找到与“航天飞机发射”匹配的记录" in done.stderr

    done = runner.invoke(main, ["search", "网格", "--region", "hebbi", *cache])
    assert done.exit_code == 2 and "是否想写“hebi”" in done.output


def test_kb_search_checks_the_catalogue_only_when_one_of_its_files_changed(valid_catalog, tmp_path, monkeypatch):
    import generator.pipeline as pipeline

    checks = []
    real_check = pipeline.check_catalog
    monkeypatch.setattr(pipeline, "check_catalog", lambda *a, **k: checks.append(a[0]) or real_check(*a, **k))
    runner = CliRunner()
    args = ["--catalog", str(valid_catalog), "--cache", str(tmp_path / ".cache" / "whoosh"), "--format", "json"]

    def search(words):
        done = runner.invoke(main, ["search", words, *args])
        assert done.exit_code == 0, done.output
        return [r["id"] for r in json.loads(done.stdout)["results"]], done.stderr

    first, _ = search("网格")
    assert first and len(checks) == 1
    assert search("网格")[0] == first and len(checks) == 1  # nothing changed: no check, same results
    assert search("限时办结")[0] == [] and len(checks) == 1

    path = valid_catalog / "practices" / "wangge-bihuan.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("闭环处置。", "闭环处置,限时办结。"), encoding="utf-8")
    found, notes = search("限时办结")
    assert found == ["wangge-bihuan"] and len(checks) == 2
    assert "1 条记录重新索引" in notes
    assert search("限时办结")[0] == ["wangge-bihuan"] and len(checks) == 2

    # a change that breaks the catalogue is reported as kb check reports it, and checked again next time
    path.write_text(path.read_text(encoding="utf-8").replace("region: ", "region: nowhere-"), encoding="utf-8")
    for _ in range(2):
        done = runner.invoke(main, ["search", "网格", *args])
        assert done.exit_code == 1 and "记录检查未通过,无法检索" in done.stderr.replace("，", ",")
    assert len(checks) == 4


def test_segmentation_is_kept_per_record_and_shared(real_catalog, tmp_path):
    from generator.cache import Cache
    from generator.search.site import SiteSearch

    fresh = Corpus(real_catalog)
    site = SiteSearch(real_catalog, tmp_path / ".cache" / "search")  # a build
    assert [d.tokens for d in site.corpus.docs] == [d.tokens for d in fresh.docs]
    segments = Cache(tmp_path / ".cache", "segments")
    again = Corpus(real_catalog, cache=segments)  # kb search after the build: nothing left to segment
    assert (segments.hits, segments.misses) == (len(real_catalog.records), 0)
    assert again._analyzer is None  # jieba was not even loaded
    assert [d.tokens for d in again.docs] == [d.tokens for d in fresh.docs]
    index = WhooshIndex(real_catalog, tmp_path / ".cache" / "whoosh").open()
    assert [h.id for h in index.search("一评四会")][:1] == ["hebi-yiping-sihui"]
    assert Cache(tmp_path / ".cache", "segments").count() == len(real_catalog.records)  # one per record, made once for both


def test_a_second_build_loads_no_jieba_for_records_or_pages(real_catalog, tmp_path, monkeypatch):
    """The site's pages are segmented through the same cache as the records: with nothing changed,
    a build does no jieba work at all (and jieba's dictionary is let go after a cold one)."""
    from generator.search import text
    from generator.search.site import SiteSearch

    urls = {r.id: f"records/{r.id}/" for r in real_catalog.records}
    material = {"config": {"separator": "[\\s]+"},
                "docs": [{"location": "glossary/#网格化", "title": "网格化", "text": "网格化管理服务，积分换项目"},
                         {"location": "about/", "title": "关于本库", "text": "市域社会治理现代化试点经验"}]}
    cold = SiteSearch(real_catalog, tmp_path / ".cache" / "search")
    assert cold.corpus._analyzer is None  # let go once the records are segmented
    files = cold.files(urls, material)
    assert cold.corpus._analyzer is None  # and again after the pages

    def no_jieba(terms):
        raise AssertionError("jieba loaded in a warm build")

    monkeypatch.setattr(text, "Analyzer", no_jieba)  # what analyzer_for makes, its cache emptied above
    warm = SiteSearch(real_catalog, tmp_path / ".cache" / "search")
    assert warm.files(urls, material) == files
    assert warm.similar == cold.similar


def test_highlight_marks_each_term_in_passages_around_the_matches():
    from generator.search.cli import highlight

    text = "甲" * 100 + "推行人民调解制度" + "乙" * 100 + "調解组织" + "丙" * 100
    marked = highlight(text, ["调解", "人民调解"])
    assert marked.count("【") == 2 and "【人民调解】" in marked and "【調解】" in marked  # longest first; traditional too
    assert " … " in marked and len(marked) < 200
    assert highlight(text, ["航天"]) == ""


# --- related records -----------------------------------------------------------------------------

def test_similar_records_are_deterministic_and_leave_out_explicit_links(real_catalog):
    first = similar_records(Corpus(real_catalog))
    again = similar_records(Corpus(real_catalog))
    assert first == again
    for record in real_catalog.records:
        similar = first[record.id]
        assert len(similar) <= 5 and record.id not in similar
        assert not set(similar) & {l.target for l in real_catalog.links(record.id)}
    assert all(first[r.id] for r in real_catalog.records)
    assert "yuhu-da-wangge" in first["hebi-zongzhi-wangge"] + first["guangdonglu-dangjian-wangge"]


def test_similar_records_bounded_per_term_keep_the_exact_lists_of_the_seeds(real_catalog):
    """The bound on postings per term makes the work linear; on the seed catalogue the lists are the
    ones every posting gives (bench/similar.py compares the two on larger catalogues)."""
    corpus = Corpus(real_catalog)
    assert similar_records(corpus) == similar_records(corpus, per_term=None)
    # the bound is what decides: two postings per term change the lists
    assert similar_records(corpus, per_term=2) != similar_records(corpus, per_term=None)


def test_similar_records_are_remembered_until_a_record_changes(real_catalog, tmp_path):
    from generator.cache import Cache
    from generator.search.related import cached_similar_records

    corpus = Corpus(real_catalog)
    cache = Cache(tmp_path, "similar")
    assert cached_similar_records(corpus, cache) == similar_records(corpus)
    assert cached_similar_records(corpus, cache) == similar_records(corpus) and (cache.hits, cache.misses) == (1, 1)
    record = real_catalog.records[0]
    edited = dataclasses.replace(real_catalog, records=(record.model_copy(update={"summary": "航天飞机发射"}),
                                                        *real_catalog.records[1:]))
    assert cached_similar_records(Corpus(edited), cache) == similar_records(Corpus(edited))
    assert cache.misses == 2


@pytest.fixture(scope="module")
def synthetic_corpus(tmp_path_factory):
    """300 synthetic records (bench/synth.py), analysed: enough for terms on both sides of the df cap."""
    sys.path.insert(0, str(ROOT / "bench"))
    import synth

    folder = synth.generate(tmp_path_factory.mktemp("similar") / "catalog", 300)
    result = check_catalog(folder, base=folder.parent)
    assert not any(p.is_error for p in result.problems)
    return Corpus(result.catalog)


def _analysed_as(corpus, docs, catalog=None):
    """`corpus` with other docs (or another catalogue), its document frequencies counted again."""
    import copy
    from collections import Counter

    new = copy.copy(corpus)
    new.catalog, new.docs, new.df = catalog or corpus.catalog, docs, Counter()
    for doc in docs:
        new.df.update(set().union(*map(set, doc.tokens.values())))
    return new


def _with_tokens(corpus, changes):
    """`corpus` with some records' tokens replaced, as an edit of their text would."""
    from generator.search.fields import Doc

    return _analysed_as(corpus, [Doc(d.id, changes[d.id], d.key + "+") if d.id in changes else d for d in corpus.docs])


def _with_records(corpus, records, docs, links=None):
    """`corpus` over a catalogue with other records (or links): models, regions, records added or removed."""
    catalog = dataclasses.replace(corpus.catalog, records=tuple(sorted(records, key=lambda r: r.id)),
                                  _links=corpus.catalog._links if links is None else links)
    return _analysed_as(corpus, [docs[r.id] for r in catalog.records], catalog)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_serve_updates_similar_records_exactly_as_computed_from_scratch(synthetic_corpus, seed, monkeypatch):
    """`kb serve` recomputes similar records only where an edit of some records' text can move
    them; each step's lists must be exactly `similar_records` of the edited catalogue. Edits add a
    new term, remove a term, change only counts, and push terms over and under the df cap."""
    import random

    from generator.cache import Cache
    from generator.catalog import Link
    from generator.search import related

    rng = random.Random(seed)
    edits = []  # what each update found: the edited records, or None when it computed all again
    find_edited = related._edited
    monkeypatch.setattr(related, "_edited", lambda *a: edits.append(find_edited(*a)) or edits[-1])
    corpus, cache = synthetic_corpus, Cache(None, "similar")
    state = related.update_similar_records(corpus, None, None, cache)
    assert state.similar == similar_records(corpus) and edits == [None]
    cap = max(30, int(0.05 * len(corpus.docs)))

    def holders(c, term):
        return [d for d in c.docs if any(term in ts for ts in d.tokens.values())]

    def step(changes):
        nonlocal corpus, state
        edited = _with_tokens(corpus, changes)
        state = related.update_similar_records(edited, state, corpus.analysed(), cache)
        assert state.similar == similar_records(edited)
        corpus = edited

    def without(doc, term):
        return {f: [t for t in ts if t != term] for f, ts in doc.tokens.items()}

    for _ in range(3):
        doc = rng.choice(corpus.docs)  # a term no record had
        step({doc.id: {**doc.tokens, "body": doc.tokens["body"] + ["航天飞机", f"新词{rng.randrange(99)}"]}})
        doc = rng.choice(corpus.docs)  # a term taken out
        term = rng.choice(sorted(t for ts in doc.tokens.values() for t in ts if corpus.df[t] <= cap))
        step({doc.id: without(doc, term)})
        doc = rng.choice(corpus.docs)  # only counts
        step({doc.id: {**doc.tokens, "summary": doc.tokens["summary"] * 2}})
        # over the cap: the most common term under it, added to records without it
        term = max((t for t in corpus.df if corpus.df[t] <= cap), key=lambda t: (corpus.df[t], t))
        have = {d.id for d in holders(corpus, term)}
        gain = rng.sample([d for d in corpus.docs if d.id not in have], cap + 1 - corpus.df[term])
        step({d.id: {**d.tokens, "title": d.tokens["title"] + [term]} for d in gain})
        # and under it again: taken out of some of its records
        step({d.id: without(d, term) for d in rng.sample(holders(corpus, term), corpus.df[term] - cap)})
        # several records at once, text swapped between two of them
        a, b = rng.sample(corpus.docs, 2)
        step({a.id: b.tokens, b.id: a.tokens})
    assert all(edits[1:]) and len(edits) == 19  # every step was incremental

    # anything but tokens is all computed again: models, region, links, a record added or removed
    records = list(corpus.catalog.records)
    other_model = next(m.id for m in corpus.catalog.models if m.id not in records[0].models)
    other_region = next(r for r in corpus.catalog.regions if r != records[1].region)
    links = dict(corpus.catalog._links)
    links[records[2].id] = (*links.get(records[2].id, ()), Link("related", "相关", records[3].id))
    docs = {d.id: d for d in corpus.docs}
    for changed in (_with_records(corpus, [records[0].model_copy(update={"secondary_models": [other_model]}),
                                           *records[1:]], docs),
                    _with_records(corpus, [records[0], records[1].model_copy(update={"region": other_region}),
                                           *records[2:]], docs),
                    _with_records(corpus, records, docs, links),
                    _with_records(corpus, records[1:], docs),  # removed
                    _with_records(corpus, records, docs)):  # and added back
        state = related.update_similar_records(changed, state, corpus.analysed(), cache)
        assert state.similar == similar_records(changed) and edits[-1] is None
        corpus = changed


def test_corpus_reuses_the_tokens_of_unchanged_records(real_catalog, tmp_path):
    """`kb serve`: a record whose text did not change keeps its tokens from the last build (no cache
    read, no parsing); the tokens and document frequencies are those of a fresh Corpus."""
    from generator.cache import Cache

    first = Corpus(real_catalog, cache=Cache(tmp_path, "segments"))
    record = real_catalog.records[0]
    edited = dataclasses.replace(real_catalog, records=(record.model_copy(update={"summary": "航天飞机发射"}),
                                                        *real_catalog.records[1:]))
    segments = Cache(tmp_path, "segments")
    again = Corpus(edited, cache=segments, previous=first.analysed())
    fresh = Corpus(edited)
    assert [(d.id, d.tokens, d.key) for d in again.docs] == [(d.id, d.tokens, d.key) for d in fresh.docs]
    assert again.df == fresh.df and all(count > 0 for count in again.df.values())
    assert (segments.hits, segments.misses) == (0, 1)  # the edited record only
    assert all(d is was for d, was in zip(again.docs[1:], first.docs[1:]))  # the same tokens, not copies
    assert again.vocabulary is first.vocabulary
    # a record removed (with the same dictionary, so the other records keep their keys), then back
    fewer = dataclasses.replace(edited, records=edited.records[:3] + edited.records[4:])
    less = Corpus(fewer, cache=segments, terms=again.terms, previous=again.analysed())
    fresh = Corpus(fewer, terms=again.terms)
    assert [d.tokens for d in less.docs] == [d.tokens for d in fresh.docs] and less.df == fresh.df
    back = Corpus(real_catalog, cache=segments, previous=less.analysed())
    assert [d.tokens for d in back.docs] == [d.tokens for d in first.docs] and back.df == first.df
    assert (segments.hits, segments.misses) == (2, 1)  # the records back from the cache: 00 and 03


def test_record_page_shows_similar_records_after_explicit_links(real_catalog):
    from generator.render import Renderer

    similar = similar_records(Corpus(real_catalog))
    renderer = Renderer(real_catalog, similar=similar)
    page = next(p for p in renderer.pages() if p.path == "practices/yuhu-da-wangge.md")
    related = page.markdown.split("## 相关记录", 1)[1]
    explicit = {l.target for l in real_catalog.links("yuhu-da-wangge")}
    # one list: explicit relations first, then computed similar records not already listed
    block = related.split("**内容相似的记录**", 1)[1]
    assert "data-relation=\"similar\"" not in related.split("**内容相似的记录**", 1)[0]
    assert block.count('data-relation="similar"') == len(set(similar["yuhu-da-wangge"]) - explicit) > 0


# --- near-duplicates -----------------------------------------------------------------------------

def test_near_duplicate_pair_is_flagged_with_both_files():
    folder = FIXTURES / "near-duplicate"
    result = check_catalog(folder / "catalog", base=folder)
    assert result.ok  # a warning, not an error
    assert report_text(result.problems) == (folder / "expected.txt").read_text(encoding="utf-8")


def test_valid_and_real_catalogues_have_no_near_duplicates(real_catalog):
    assert not [p for p in check_catalog(REAL, base=ROOT).problems if p.code == "near-duplicate"]
    assert not [p for p in check_catalog(FIXTURES / "valid" / "catalog").problems if p.code == "near-duplicate"]


# --- the site's index and the build ------------------------------------------------------------

@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    from harness import build, project_copy

    config = project_copy(tmp_path_factory.mktemp("project"), FIXTURES / "valid" / "catalog")
    return build(config, tmp_path_factory.mktemp("site") / "site")


def test_site_search_index_holds_records_and_pages_but_no_listing_pages(fixture_site):
    index = json.loads((fixture_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "\\u200b" in index["config"]["separator"]  # jieba's word boundary, for Material's page highlighter
    assert index["docs"] == []  # fetched whole by Material: the table is in pieces (search/kb/docs/)
    locations = [d["location"] for d in read_docs(fixture_site)]
    assert {"practices/wangge-bihuan/", "policies/shifang-fangan/", "projects/jifen-pingtai/"} <= set(locations)
    assert any(l.startswith("glossary/") for l in locations)
    listing = ("models/", "regions/", "tags/", "practices/", "policies/", "projects/", "browse/")
    assert not [l for l in locations if l in listing or l.startswith(("models/", "regions/", "tags/"))]
    assert locations.count("practices/wangge-bihuan/") == 1
    assert (fixture_site / "search" / "kb" / "worker.js").is_file()
    page = (fixture_site / "practices" / "wangge-bihuan" / "index.html").read_text(encoding="utf-8")
    assert '"search": "../../search/kb/worker.js"' in page
    assert "workers/search." not in page


def test_jieba_s_dictionary_is_loaded_once_in_a_build_with_material_s_search(fixture_site):
    """Material's segmentation is switched off (its index is replaced by ours), so it never loads
    jieba's global dictionary, a second copy of some 70 MB beside our analyzer's."""
    import jieba
    from material.plugins.search import plugin as material_search

    assert material_search.jieba is None
    assert not jieba.dt.initialized
    # the hand-written pages are still in the index, segmented by our analyzer
    docs = read_docs(fixture_site)
    assert any(d["location"].startswith("glossary/") for d in docs)
    assert not any("\u200b" in d["title"] + d["text"] for d in docs)


def test_build_fails_in_chinese_without_jieba(tmp_path):
    from harness import project_copy

    config = project_copy(tmp_path / "project", FIXTURES / "valid" / "catalog")
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text("import sys\nsys.modules['jieba'] = None  # import jieba fails\n")
    env = {**os.environ, "PYTHONPATH": str(shim)}
    kb = str(Path(sys.executable).with_name("kb"))
    done = subprocess.run([kb, "build", "-f", str(config), "--site-dir", str(tmp_path / "site")],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 1
    assert "未安装中文分词库 jieba" in done.stderr and "站点未生成" in done.stderr
    assert not (tmp_path / "site").exists()


def test_build_refuses_a_separator_without_zero_width_space(tmp_path, caplog):
    from harness import project_copy

    from generator.build import build_site

    config = project_copy(tmp_path / "project", FIXTURES / "valid" / "catalog")
    text = config.read_text(encoding="utf-8")
    assert "      lang: zh\n" in text
    config.write_text(text.replace("      lang: zh\n", "      lang: zh\n      separator: '[\\s\\-]+'\n"), encoding="utf-8")
    result = build_site(config, site_dir=tmp_path / "site")
    assert not result.ok
    assert "search 的 separator 必须包含 \\u200b" in caplog.text


def test_serving_keeps_jiebas_dictionary_for_the_next_edit(real_catalog, tmp_path, monkeypatch):
    """kb serve segments an edited record's text without loading the dictionary again (a second a
    save at 10,000 records); a build lets it go, and a changed dictionary is never reused."""
    from generator.search import fields
    from generator.search.site import SiteSearch

    loads = []
    real = fields.analyzer_for
    def counted(terms):
        loads.append(1)
        return real(terms)

    counted.cache_clear = real.cache_clear
    monkeypatch.setattr(fields, "analyzer_for", counted)
    folder = tmp_path / ".cache" / "search"
    memory = SiteSearch(real_catalog, folder, serving=True).memory()
    assert memory.analyzer is not None and len(loads) == 1
    record = real_catalog.records[0]
    edited = dataclasses.replace(real_catalog, records=(record.model_copy(update={"summary": "航天飞机发射"}),
                                                        *real_catalog.records[1:]))
    again = SiteSearch(edited, folder, memory, serving=True)
    assert len(loads) == 1 and again.memory().analyzer is memory.analyzer
    assert [d.tokens for d in again.corpus.docs] == [d.tokens for d in Corpus(edited).docs]
    built = SiteSearch(edited, tmp_path / "other" / "search")  # a build: segmented, then let go
    assert built.corpus._analyzer is None

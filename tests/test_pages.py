"""Page structure for readers: the case-study shape, region paths, grouped related records, dates,
glossary users and tooltips, the editors' status page. Rendered from the fixture catalogue."""

from dataclasses import replace
from urllib.parse import quote

import pytest

from generator.check import check_catalog
from generator.completeness import completeness_problems, missing_sections
from generator.problems import promote_warnings, report_text
from generator.render import Renderer, cn_date, newest_first
from generator.routes import Routes

from conftest import FIXTURES


@pytest.fixture(scope="module")
def catalog():
    return check_catalog(FIXTURES / "valid" / "catalog").catalog


@pytest.fixture(scope="module")
def pages(catalog):
    return {p.path: p.markdown for p in Renderer(catalog).pages()}


def with_record(catalog, record):
    return replace(catalog, records=tuple(record if r.id == record.id else r for r in catalog.records))


def headings(markdown: str) -> list[str]:
    return [line[3:].strip() for line in markdown.splitlines() if line.startswith("## ")]


def test_dates_read_the_chinese_way():
    assert cn_date("2022-04-19") == "2022年4月19日"
    assert cn_date("2022-04") == "2022年4月"
    assert cn_date("2022") == "2022年"


def test_every_section_is_present_in_reading_order(catalog, pages):
    practice = catalog.by_id["wangge-bihuan"]
    stripped = practice.model_copy(update={"outcomes": [], "replicability": None})  # a record that reports neither
    page = Renderer(with_record(catalog, stripped)).pages()
    markdown = next(p.markdown for p in page if p.path == "practices/wangge-bihuan.md")
    assert headings(markdown) == ["摘要", "背景", "主要做法", "成效", "可复制推广", "引用本条", "相关记录"]
    for section in ("成效", "可复制推广"):
        after = markdown.split(f"## {section}\n", 1)[1].lstrip()
        assert after.startswith("原文未提供。")
    assert headings(pages["projects/jifen-pingtai.md"])[:5] == ["摘要", "项目概况", "主要功能", "覆盖范围", "成效"]
    assert headings(pages["policies/shifang-fangan.md"])[:6] == ["摘要", "制定依据", "总体目标", "重点任务", "实施步骤", "保障措施"]


def test_project_does_not_repeat_its_year_as_start_year(catalog, pages):
    project = catalog.by_id["jifen-pingtai"]
    assert project.start_year == project.year
    assert "启动年份" not in pages["projects/jifen-pingtai.md"]


def test_related_records_one_list_each_record_once_relation_named_once(pages):
    section = pages["practices/wangge-bihuan.md"].split("## 相关记录", 1)[1]
    # jifen-pingtai is both `related` and `supports`: it appears once, under the specific relation
    assert section.count('data-id="jifen-pingtai"') == 1
    assert section.count('data-id="shifang-fangan"') == 1
    assert section.count("**支撑本案例的项目**") == 1 and section.count("**落实的政策文件**") == 1
    assert "**相关记录**" not in section
    policy = pages["policies/shifang-fangan.md"].split("## 相关记录", 1)[1]
    assert policy.count('data-id="wangge-bihuan"') == 1


def test_lists_show_the_full_region_path_and_no_codes(pages):
    assert "示例省示例市示例区" in pages["models/index.md"] + pages["practices/index.md"]
    assert all("430302" not in md and "430000" not in md for md in pages.values())


def test_empty_regions_fold_away_but_stay_in_data(catalog, tmp_path):
    import shutil

    folder = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "valid" / "catalog", folder)
    regions = folder / "regions.yml"
    regions.write_text(regions.read_text(encoding="utf-8") + "  - id: kongdi\n    name: 空地省\n    level: 省\n",
                       encoding="utf-8")
    bigger = check_catalog(folder).catalog
    assert "kongdi" in bigger.regions
    built = {p.path: p.markdown for p in Renderer(bigger).pages()}
    assert "regions/kongdi.md" not in built
    assert "空地省" not in built["regions/index.md"]
    assert "本级记录" not in built["regions/shengfen.md"]  # no "本级 暂无记录" before the real lists
    assert "本页收录示例省（省）及其下辖地区的记录" in built["regions/shengfen.md"]


def test_home_starts_work_with_entries_and_dated_newest(catalog):
    home = Renderer(catalog).home()
    assert home.index("## 按治理模式查找") < home.index("## 按主题查找") < home.index("## 最新收录")
    newest = newest_first(catalog.records)
    positions = [home.index(f'data-id="{r.id}"') for r in newest]
    assert positions == sorted(positions)
    assert cn_date(newest[0].review.added) + "收录" in home


def test_glossary_terms_carry_their_definition_and_list_their_users(pages):
    practice = pages["practices/wangge-bihuan.md"]
    assert '四议两公开](../glossary.md#sivi "村级重大事项决策的程序。"){ .kb-term }' in practice
    glossary = pages["glossary.md"]
    entry = glossary.split("{ #sivi }", 1)[1].split("## ", 1)[0]
    assert "使用本术语的记录" in entry and 'data-id="wangge-bihuan"' in entry


def test_missing_sections_are_information_not_errors(catalog):
    stripped = catalog.by_id["wangge-bihuan"].model_copy(update={"outcomes": [], "replicability": None})
    small = with_record(catalog, stripped)
    found = [p for p in completeness_problems(small) if "wangge-bihuan" in p.file]
    assert [p.field for p in found] == ["outcomes", "replicability"]
    assert {p.severity for p in promote_warnings(found)} == {"info"}
    assert "信息：缺少“成效”" in report_text(found)
    status = {p.path: p.markdown for p in Renderer(small).pages()}["status.md"]
    assert "| 0/2 | 成效、可复制推广 |" in status
    assert missing_sections(catalog.by_id["wangge-bihuan"]) == []


def test_a_long_listing_shows_its_first_records_then_says_where_all_of_them_are(catalog, monkeypatch):
    from generator import render

    monkeypatch.setattr(render, "LIST_LIMIT", 1)
    monkeypatch.setattr(render, "TERM_USERS_LIMIT", 1)
    practice = catalog.by_id["wangge-bihuan"]
    twin = practice.model_copy(update={"id": "wangge-bihuan-2", "title": "另一条网格记录"})
    bigger = replace(catalog, records=tuple(sorted(catalog.records + (twin,), key=lambda r: r.id)),
                     files={**catalog.files, twin.id: "catalog/practices/wangge-bihuan-2.yml"})
    pages = {p.path: p.markdown for p in Renderer(bigger).pages()}
    kind = pages["practices/index.md"]
    assert "wangge-bihuan.md" in kind and "wangge-bihuan-2.md" not in kind  # the first in the listing's order
    assert ('以上是前 1 条，共 2 条，全部记录见[筛选浏览](../browse/index.md?kind=practice)。\n{ .kb-list-more }'
            in kind)
    tag = next(t for t in practice.tags)
    assert f"[筛选浏览](../browse/index.md?tag={quote(tag)})" in pages[f"tags/{tag}.md"]
    model = pages[f"models/{practice.model}.md"]
    assert f"[筛选浏览](../browse/index.md?model={practice.model}&amp;kind=practice)" in model
    city = catalog.region_path(practice.region)[1]
    province = pages[f"regions/{catalog.region_path(practice.region)[0].id}.md"]
    assert f"全部记录见[{city.name}的页面]({city.id}.md)。" in province
    glossary = pages["glossary.md"]
    assert '{ .kb-term-user data-id="wangge-bihuan" }等，共 2 条' in glossary
    assert len([p for p in pages if "wangge-bihuan-2" in p]) == 1  # its own page is still there
    # a Markdown link: the engine writes the address for the served site and the zip opened from disk alike
    offline = {p.path: p.markdown for p in Renderer(bigger, routes=Routes(directory_urls=False)).pages()}
    assert offline["practices/index.md"] == kind


def test_a_listing_within_the_limit_is_whole(pages):
    assert "以上是前" not in "".join(pages.values())

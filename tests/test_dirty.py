"""`kb serve`'s rebuilds (generator/dirty.py): each change rewrites only the files it touched, and
the preview's folder is then byte for byte what a complete build of the same catalogue writes."""

from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from conftest import FIXTURES, make_project
from test_incremental import NEW_RECORD, RECORD_PAGE, assert_same_site

SERVE_URL = "http://127.0.0.1:8000/"


class Preview:
    """What `mkdocs serve --dirty` does: the plugin object lives on, the config is read again on
    every change, and each build goes into the same folder."""

    def __init__(self, project: Path, site: Path):
        self.project, self.site = project, site
        config = self._config(site)
        config.plugins.on_startup(command="serve", dirty=True)
        self.plugin = config.plugins["catalog"]
        mkdocs_build(config, serve_url=SERVE_URL, dirty=True)

    def _config(self, site: Path):
        config = load_config(str(self.project / "mkdocs.yml"), site_dir=str(site))
        config.site_url = SERVE_URL
        return config

    def rebuild(self) -> set[str]:
        """Build after a change; returns the files the build left as they were."""
        config = self._config(self.site)
        assert config.plugins["catalog"] is self.plugin  # as in `mkdocs serve`
        mkdocs_build(config, serve_url=SERVE_URL, dirty=True)
        return set(self.plugin.dirty.skipped)

    def assert_as_complete_build(self, clean: Path) -> None:
        config = self._config(clean)
        # a complete build, as `mkdocs build` makes it (similar records too: from scratch, not updated)
        dirty, self.plugin.dirty, self.plugin.serving = self.plugin.dirty, None, False
        try:
            mkdocs_build(config, serve_url=SERVE_URL)
        finally:
            self.plugin.dirty, self.plugin.serving = dirty, True
        assert_same_site(self.site, clean)


@pytest.fixture
def preview(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES / "valid" / "catalog")
    return Preview(project, tmp_path / "preview")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_nothing_changed_rewrites_nothing(preview, tmp_path):
    skipped = preview.rebuild()
    pages = {p.relative_to(preview.site).as_posix() for p in preview.site.rglob("index.html")}
    assert len(pages) > 20 and len(skipped) > len(pages)  # every page and generated download
    preview.assert_as_complete_build(tmp_path / "clean")


def test_an_edited_record_rewrites_its_own_page_only(preview, tmp_path):
    page = preview.site / RECORD_PAGE
    before = page.stat().st_mtime_ns
    edit(preview.project / "catalog" / "practices" / "wangge-bihuan.yml", "background: ", "background: 改过的背景说明。")
    skipped = preview.rebuild()
    assert "改过的背景说明" in page.read_text(encoding="utf-8") and page.stat().st_mtime_ns != before
    assert "practices/wangge-bihuan.md" not in skipped and "index.md" in skipped and len(skipped) > 20
    preview.assert_as_complete_build(tmp_path / "clean")


def test_an_edited_record_text_updates_similar_records_to_what_a_complete_build_computes(preview, tmp_path,
                                                                                       monkeypatch):
    from generator.search import related

    practices = preview.project / "catalog" / "practices"
    edit(practices / "wangge-bihuan.yml", "发现、上报、处置、反馈", "发现、上报、处置、反馈、回访、积分评议")
    monkeypatch.setattr(related, "_compute", None)  # updated from the last build's, not computed again
    preview.rebuild()
    monkeypatch.undo()
    preview.assert_as_complete_build(tmp_path / "clean")


def test_added_deleted_and_renamed_records_leave_what_a_complete_build_leaves(preview, tmp_path):
    catalog = preview.project / "catalog"
    (catalog / "practices" / "tiaojie-zhongxin.yml").write_text(NEW_RECORD, encoding="utf-8")
    preview.rebuild()
    assert (preview.site / "practices" / "tiaojie-zhongxin" / "index.html").is_file()
    preview.assert_as_complete_build(tmp_path / "add")

    (catalog / "practices" / "tiaojie-zhongxin.yml").unlink()
    preview.rebuild()
    assert not (preview.site / "practices" / "tiaojie-zhongxin" / "index.html").exists()
    preview.assert_as_complete_build(tmp_path / "delete")

    policy = catalog / "policies" / "shifang-fangan.yml"
    policy.with_name("shifang-fangan-xin.yml").write_text(
        policy.read_text(encoding="utf-8").replace("id: shifang-fangan", "id: shifang-fangan-xin"), encoding="utf-8")
    policy.unlink()
    edit(catalog / "practices" / "wangge-bihuan.yml", "[shifang-fangan]", "[shifang-fangan-xin]")
    preview.rebuild()
    preview.assert_as_complete_build(tmp_path / "rename")


def test_an_edited_hand_written_page_and_a_broken_then_fixed_record(preview, tmp_path):
    about = next(p for p in sorted((preview.project / "content").rglob("*.md")) if p.name != "index.md")
    about.write_text(about.read_text(encoding="utf-8") + "\n\n改过的说明段落。\n", encoding="utf-8")
    skipped = preview.rebuild()
    assert about.relative_to(preview.project / "content").as_posix() not in skipped
    preview.assert_as_complete_build(tmp_path / "page")

    note = preview.project / "content" / "notice.txt"  # a plain file of the docs folder, added then removed
    note.write_text("通知", encoding="utf-8")
    preview.rebuild()
    assert (preview.site / "notice.txt").read_text(encoding="utf-8") == "通知"
    note.unlink()
    preview.rebuild()
    assert not (preview.site / "notice.txt").exists()

    record = preview.project / "catalog" / "practices" / "wangge-bihuan.yml"
    good = record.read_text(encoding="utf-8")
    edit(record, "title: 示例区网格闭环服务", "title: 待填写标题")
    preview.plugin.serving = True  # the preview shows the problems instead of stopping
    preview.rebuild()
    assert "记录检查未通过" in (preview.site / "index.html").read_text(encoding="utf-8")
    record.write_text(good, encoding="utf-8")
    preview.rebuild()
    preview.assert_as_complete_build(tmp_path / "fixed")


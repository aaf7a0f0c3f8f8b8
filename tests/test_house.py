"""The shape of the house: what `kb check` loads, and an import graph without cycles."""

import ast
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES

PACKAGE = Path(__file__).resolve().parent.parent / "generator"


def test_kb_check_loads_neither_whoosh_nor_mkdocs_nor_material(tmp_path):
    code = (
        "import sys\n"
        "from generator.cli import main\n"
        "try:\n"
        f"    main(['check', '--catalog', {str(FIXTURES / 'valid' / 'catalog')!r}])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'whoosh', 'mkdocs', 'material', 'properdocs', 'zensical'})\n"
        "print('LOADED', loaded)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "LOADED []" in run.stdout, run.stdout


def module_imports() -> dict[str, set[str]]:
    """Module-level imports between the generator's own modules (imports inside functions are
    deferred on purpose and left out)."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        package = name if rel.name == "__init__" else name.rpartition(".")[0]
        edges = graph.setdefault(name, set())
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                edges.add(target)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator"):
                edges.add(node.module)
    return {k: {t for t in v if t in graph and t != k} for k, v in graph.items()}


def test_the_generator_s_import_graph_has_no_cycles():
    graph = module_imports()
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                raise AssertionError("import cycle: " + " → ".join(trail + [node, target]))
            if target not in state:
                visit(target, trail + [node])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


def test_every_entry_point_stops_the_same_way_on_a_missing_catalogue(tmp_path):
    from click.testing import CliRunner

    from generator.cli import main

    runner = CliRunner()
    missing = str(tmp_path / "nope")
    for args in (["export", "--catalog", missing, "-o", str(tmp_path / "x.csv"), "--format", "csv"],
                 ["search", "网格", "--catalog", missing], ["check", "--catalog", missing]):
        result = runner.invoke(main, args)
        assert result.exit_code == 2 and "找不到记录目录" in result.output, (args, result.output)
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), args


def test_a_failed_build_is_explained_from_what_mkdocs_logged(tmp_path):
    from conftest import make_project
    from generator.build import build_site

    project = make_project(tmp_path / "p", FIXTURES / "valid" / "catalog")
    practice = project / "catalog" / "practices" / "wangge-bihuan.yml"
    practice.write_text(practice.read_text(encoding="utf-8").replace("summary:", "summery:"), encoding="utf-8")
    failed = build_site(project / "mkdocs.yml")
    assert not failed.ok and failed.message == "错误见上方 ERROR 行。"


def test_the_offline_build_s_downloads_link_the_offline_pages():
    import csv
    import io
    import json

    from generator.check import check_catalog
    from generator.routes import Routes
    from generator.stage import SiteStage

    catalog = check_catalog(FIXTURES / "valid" / "catalog").catalog
    for routes, suffix in ((Routes(True), "/"), (Routes(False), ".html")):
        stage = SiteStage.build(catalog, routes)
        rows = list(csv.DictReader(io.StringIO(stage.files["downloads/catalog.csv"].decode("utf-8-sig"))))
        assert rows and all(row["页面"].endswith(suffix) for row in rows)
        data = json.loads(stage.files["downloads/catalog.json"])
        assert all(r["page"] == routes.record_url(catalog.by_id[r["id"]]) for r in data["records"])
        browse = stage.files["browse/data/0.js"].decode("utf-8")  # the fixture fits in one piece
        assert all(routes.relative(f"{r['page'][:-len(suffix)]}.md" if suffix == ".html" else
                                   r["page"].rstrip("/") + ".md", "browse/index.md") in browse
                   for r in data["records"])


def test_catalog_indexes_agree_with_a_scan():
    from generator.check import check_catalog
    from generator.schema import KINDS

    catalog = check_catalog(Path(__file__).resolve().parent.parent / "catalog").catalog
    for rid in catalog.regions:  # a record counts for its own region and its further regions (发源地, 推广地)
        subtree = set(catalog.region_and_descendants(rid))
        assert catalog.records_in_region(rid) == [r for r in catalog.records if subtree & set(r.region_ids)]
        assert catalog.records_in_region(rid, include_children=False) == [
            r for r in catalog.records if rid in r.region_ids]
    for kind in KINDS:
        assert catalog.records_of_kind(kind) == [r for r in catalog.records if r.kind == kind]
    for model in catalog.models:
        assert catalog.records_of_model(model.id) == [r for r in catalog.records if model.id in r.models]
    assert catalog._index is catalog._index  # built once

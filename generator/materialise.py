"""`kb materialise OUT/`: the whole site source — hand-written and generated Markdown pages, the
navigation, our scripts, the browse data and the downloads — written to a plain folder that any
engine reading `mkdocs.yml` builds without our plugin (MkDocs, ProperDocs, Zensical).

It runs the same stage as the MkDocs plugin (`stage.SiteStage.build`); `tests/test_materialise.py`
checks that plain MkDocs building OUT/ gives the same pages as the plugin build.

OUT/ holds `mkdocs.yml` (this project's, without the `catalog` plugin, with `docs_dir: docs` and
the generated `nav`), `docs/` and a copy of the theme's `custom_dir`. What it does not carry is
our search index: an engine building OUT/ indexes the record pages with its own search (listing
pages and the home page are excluded by front matter; see README, "Engines").
No MkDocs and no Material are imported here.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .pipeline import require_catalog
from .problems import Problem
from .project_config import read_config
from .routes import Routes
from .stage import HOME, SiteStage, footer

EXCLUDE_FRONT_MATTER = "---\nsearch:\n  exclude: true\n---\n\n"
MARKER = ".kb-materialised"  # OUT/ is replaced on the next run only if it holds this file (or is empty)


@dataclass
class MaterialiseResult:
    out: Path
    warnings: list[Problem] = field(default_factory=list)


def catalog_options(config: dict) -> dict:
    for plugin in config.get("plugins") or []:
        if plugin == "catalog":
            return {}
        if isinstance(plugin, dict) and "catalog" in plugin:
            return plugin["catalog"] or {}
    return {}


def plain_config(text: str, nav: list, *, docs_dir: str = "docs", extra: dict | None = None) -> str:
    """mkdocs.yml without the catalog plugin, with `docs_dir` and `nav` set and `extra` added under
    `extra:`. Line-based, so every other line (comments, `!!python` tags) stays exactly as written."""
    kept: list[str] = []
    skipping = None
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip())
        if skipping is not None and line.strip() and indent > skipping:
            continue
        skipping = indent if line.strip() in ("- catalog:", "- catalog") else None
        if skipping is None and not line.startswith(("docs_dir:", "nav:")):
            kept.append(line)
            if line.rstrip() == "extra:" and extra:
                kept += [f"  {key}: {json.dumps(value, ensure_ascii=False)}" for key, value in extra.items()]
                extra = None
    nav_yaml = json.dumps(nav, ensure_ascii=False)  # JSON is YAML
    tail = f"\nextra: {json.dumps(extra, ensure_ascii=False)}" if extra else ""  # no `extra:` to add to
    return "\n".join(kept) + f"\ndocs_dir: {docs_dir}\nnav: {nav_yaml}{tail}\n"


def materialise(config_file: Path, out: Path, *, strict: bool = False) -> MaterialiseResult:
    """Raises pipeline.CatalogRejected when the catalogue does not pass; OUT/ is then left alone."""
    config_file = Path(config_file).resolve()
    project = config_file.parent
    out = Path(out).resolve()
    if out == project or out in project.parents:
        raise FileExistsError(f"{out} 是项目目录或其上级,不能作为输出目录")
    text = config_file.read_text(encoding="utf-8")
    config = read_config(config_file)
    options = catalog_options(config)
    strict = strict or bool(options.get("strict"))
    checked = require_catalog(project / options.get("catalog_dir", "catalog"), base=project, strict=strict,
                              config_file=config_file)

    from .search.site import SiteSearch  # jieba and the similar-records model: only when building

    search = SiteSearch(checked.catalog, project / ".cache" / "search")
    routes = Routes(config.get("use_directory_urls", True))
    stage = SiteStage.build(checked.catalog, routes, source_url=options.get("source_url"), similar=search.similar)

    if out.exists():
        if not (out / MARKER).is_file() and any(out.iterdir()):
            raise FileExistsError(f"{out} 已存在且不是 kb materialise 的输出,不会覆盖;请换一个空目录")
        shutil.rmtree(out)
    docs = out / "docs"
    shutil.copytree(project / config.get("docs_dir", "docs"), docs)
    for page in stage.pages:
        target = docs / page.path
        if target.exists():
            raise FileExistsError(f"生成的页面 {page.path} 与手写文件重名,请改名或删除手写文件")
        target.parent.mkdir(parents=True, exist_ok=True)
        front = EXCLUDE_FRONT_MATTER if page.path in stage.listings else ""
        target.write_text(front + page.markdown, encoding="utf-8")
    home = docs / HOME
    home_text = home.read_text(encoding="utf-8")
    if HOME in stage.listings and not home_text.startswith("---"):
        home_text = EXCLUDE_FRONT_MATTER + home_text
    home.write_text(home_text.rstrip() + "\n\n" + stage.home, encoding="utf-8")
    for uri, data in stage.files.items():
        target = docs / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Path):
            shutil.copyfile(data, target)
        else:
            target.write_bytes(data)
    custom_dir = (config.get("theme") or {}).get("custom_dir") if isinstance(config.get("theme"), dict) else None
    if custom_dir:
        shutil.copytree(project / custom_dir, out / custom_dir)
    extra = footer(checked.catalog, options.get("contact", ""))
    (out / "mkdocs.yml").write_text(plain_config(text, stage.nav, extra=extra), encoding="utf-8")
    (out / MARKER).write_text("kb materialise\n", encoding="utf-8")
    return MaterialiseResult(out, checked.warnings)

"""`kb`: thin click commands. Each parses its arguments, calls one stage and returns an exit code."""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path

import click

from . import problems as reporting
from .pipeline import check_catalog
from .schema import ID_PATTERN, KIND_FOLDERS, KINDS, json_schemas

CATALOG_OPTION = click.option(
    "--catalog", "catalog_dir", type=click.Path(path_type=Path, file_okay=False), default="catalog",
    show_default=True, help="记录目录（含 models.yml、regions.yml、glossary.yml 和三个记录子目录）。")


CRASH_EXIT = 3


class _Commands(click.Group):
    """Any uncaught exception is a bug in kb, not a problem in the records: one line in Chinese
    naming the file being read, and exit code 3 (1 means "the records have problems")."""

    def invoke(self, ctx: click.Context):
        from . import load

        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit,
                KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - the whole point
            where = f"处理 {load.CURRENT_FILE} 时" if load.CURRENT_FILE else ""
            click.echo(f"抱歉，kb 内部出错（{where}{type(exc).__name__}: {str(exc)[:200]}），"
                       "这不是记录的问题，请把这行信息报告给维护者。", err=True)
            sys.exit(CRASH_EXIT)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """市域社会治理经验库：检查记录、生成站点、检索与导出。"""


def _report(found: list[reporting.Problem], fmt: str, strict: bool) -> int:
    if strict:
        found = reporting.promote_warnings(found)
    sys.stdout.write(reporting.REPORTERS[fmt](found))
    if fmt == "text":
        click.echo(reporting.summary(found), err=True)
    return 1 if any(p.is_error for p in found) else 0


def require_catalog(catalog_dir: Path, stopped: str):
    """The checked Catalog, or exit: a usage error for a missing folder, exit code 1 with the errors
    (as `kb check` prints them) for a catalogue that does not pass. `stopped` says what did not happen."""
    from .pipeline import CatalogRejected, require_catalog as checked

    if not catalog_dir.is_dir():
        raise click.UsageError(f"找不到记录目录 {catalog_dir}")
    try:
        return checked(catalog_dir, base=Path.cwd()).catalog
    except CatalogRejected as exc:
        sys.stdout.write(reporting.report_text(exc.problems))
        click.echo(f"记录检查未通过，{stopped}。", err=True)
        sys.exit(1)


@main.command()
@CATALOG_OPTION
@click.option("--format", "fmt", type=click.Choice(sorted(reporting.REPORTERS)), default="text",
              show_default=True, help="输出格式：text 文本，json 机器可读，github 为 GitHub 注释，gitlab 为 GitLab 代码质量报告。")
@click.option("--strict", is_flag=True, help="把警告（繁体字、网页残留、出处无法追溯、数字与存档不符等）也当作错误。")
@click.option("--archive", "archive_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="存档原文目录；默认依次取环境变量 KB_ARCHIVE、mkdocs.yml 中 catalog 插件的 archive_dir、"
                   "catalog/ 旁的 archive/。")
@click.option("--no-cache", is_flag=True,
              help="不读也不写检查缓存（项目的 .cache/check/：按文件内容记住每个文件的检查结果，结果与不用缓存时相同）。")
def check(catalog_dir: Path, fmt: str, strict: bool, archive_dir: Path | None, no_cache: bool) -> None:
    """检查全部记录及其相互引用；有错误时退出码为 1。"""
    if not catalog_dir.is_dir():
        raise click.UsageError(f"找不到记录目录 {catalog_dir}")
    from .cache import Cache
    from .check import halfwidth_punctuation
    from .completeness import completeness_problems
    from .pipeline import cycle_collector_paused, project_cache

    cache = Cache(None, "check") if no_cache else project_cache(catalog_dir)
    with cycle_collector_paused():  # (the whole command: the records stay in memory to the end)
        result = check_catalog(catalog_dir, base=Path.cwd(), archive=archive_dir, config_file=Path("mkdocs.yml"),
                               cache=cache)
        for note in result.notes:
            click.echo(note, err=True)
        if not strict and _build_is_strict(catalog_dir):
            strict = True
            if fmt == "text":
                click.echo("mkdocs.yml 中 catalog 插件设了 strict: true：警告也算错误，与 kb build 一致。", err=True)
        found = result.problems + halfwidth_punctuation(catalog_dir, Path.cwd(), result.punctuation)
        if result.catalog is not None:
            found += completeness_problems(result.catalog)
        code = _report(found, fmt, strict)
    sys.exit(code)


@main.command()
@CATALOG_OPTION
def fmt(catalog_dir: Path) -> None:
    """把记录中夹在汉字之间的半角标点（, : ; ? ! ( )）就地改为全角，注释和排版保持不变。"""
    from .typography import format_catalog

    if not catalog_dir.is_dir():
        raise click.UsageError(f"找不到记录目录 {catalog_dir}")
    changed, problems = format_catalog(catalog_dir, base=Path.cwd())
    for name in changed:
        click.echo(f"已改正 {name}")
    sys.stdout.write(reporting.report_text(problems))
    click.echo(f"共改正 {len(changed)} 个文件。", err=True)
    sys.exit(1 if problems else 0)


def _build_is_strict(catalog_dir: Path) -> bool:
    """Whether the project's build (mkdocs.yml beside the catalogue) fails on check warnings, so
    `kb check` agrees with `kb build` on what passes."""
    from .project_config import catalog_options

    config = catalog_dir.resolve().parent / "mkdocs.yml"
    options = catalog_options(config)
    if options is None:
        return False
    folder = options.get("catalog_dir", "catalog")
    return bool(options.get("strict")) and (config.parent / str(folder)).resolve() == catalog_dir.resolve()


@main.command()
@click.option("--kind", type=click.Choice(["record", *[f"{f}/*.yml" for f in KIND_FOLDERS.values()],
                                           "models.yml", "regions.yml", "glossary.yml", "thesaurus.yml"]),
              default="record", show_default=True, help="输出哪一种文件的 JSON Schema。")
def schema(kind: str) -> None:
    """输出 JSON Schema，供编辑器（如 VS Code 的 YAML 插件）校验和补全。"""
    click.echo(json.dumps(json_schemas()[kind], ensure_ascii=False, indent=2))


@main.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("record_id")
@CATALOG_OPTION
def new(kind: str, record_id: str, catalog_dir: Path) -> None:
    """新建一条记录的模板文件：KIND 为 practice、policy 或 project,RECORD_ID 为编号。"""
    from .scaffold import scaffold

    if not re.match(ID_PATTERN, record_id):
        raise click.BadParameter("编号只能用小写字母、数字和连字符，如 hebi-yiping-sihui", param_hint="RECORD_ID")
    target = catalog_dir / KIND_FOLDERS[kind] / f"{record_id}.yml"
    for folder in KIND_FOLDERS.values():  # ids are unique across kinds: a practice and a project can't share one
        existing = catalog_dir / folder / f"{record_id}.yml"
        if existing.exists():
            raise click.UsageError(f"编号 {record_id} 已被 {existing} 使用，不会覆盖；请换一个编号")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(scaffold(kind, record_id), encoding="utf-8")
    click.echo(f"已创建 {target}：把每个“待填写”换成原文中的事实，用不到的选填字段整行删除，然后运行 kb check。"
               "核对过原文后再在 review 下填写 checked。")


CONFIG_OPTION = click.option("--config", "-f", "config_file", type=click.Path(path_type=Path, dir_okay=False),
                             default="mkdocs.yml", show_default=True, help="MkDocs 配置文件。")


@main.command()
@CONFIG_OPTION
@click.option("--strict", is_flag=True, help="警告（检查警告、断链、缺失锚点）也视为失败。")
@click.option("--site-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="输出目录，默认为配置中的 site_dir(site/)。")
@click.option("--base-url", default=None, help="站点的完整网址或子路径，如 https://intranet.example/kb/ 或 /kb/。")
@click.option("--offline", is_flag=True,
              help="改为生成离线包 dist/<名称>-<日期>.zip：解压后双击 index.html 即可浏览和搜索，不动 site/。")
@click.option("--dist-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="离线包的输出目录，默认为配置文件旁的 dist/。")
def build(config_file: Path, strict: bool, site_dir: Path | None, base_url: str | None,
          offline: bool, dist_dir: Path | None) -> None:
    """检查记录并生成站点；只有全部成功才替换原有的 site/。"""
    from .build import build_site

    if not config_file.is_file():
        raise click.UsageError(f"找不到配置文件 {config_file}")
    if offline:
        from .bundle import build_bundle

        if site_dir is not None or base_url is not None:
            raise click.UsageError("--offline 不能与 --site-dir 或 --base-url 同用（离线包只用相对链接）")
        bundle = build_bundle(config_file, dist_dir=dist_dir, strict=strict)
        if not bundle.ok:
            click.echo(f"构建失败，离线包未生成。{bundle.message}", err=True)
            sys.exit(1)
        click.echo(f"离线包已生成：{bundle.path}", err=True)
        return
    result = build_site(config_file, site_dir=site_dir, strict=strict, base_url=base_url)
    if not result.ok:
        click.echo(f"构建失败，{result.site_dir} 保持原样。{result.message}", err=True)
        sys.exit(1)
    click.echo(f"站点已生成：{result.site_dir}", err=True)


@main.command()
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@CONFIG_OPTION
@click.option("--strict", is_flag=True, help="把检查警告也当作错误。")
def materialise(out: Path, config_file: Path, strict: bool) -> None:
    """把完整的站点源文件（页面、导航、脚本、下载文件）写入 OUT/，任何读 mkdocs.yml 的引擎均可直接构建。"""
    from .materialise import materialise as run

    if not config_file.is_file():
        raise click.UsageError(f"找不到配置文件 {config_file}")
    from .pipeline import CatalogRejected

    try:
        result = run(config_file, out, strict=strict)
    except CatalogRejected as exc:
        sys.stdout.write(reporting.report_text(exc.problems) or f"{exc}\n")
        click.echo(f"记录检查未通过，{out} 未生成。", err=True)
        sys.exit(1)
    except FileExistsError as exc:
        raise click.UsageError(str(exc)) from None
    for problem in result.warnings:
        click.echo(problem.as_text(), err=True)
    click.echo(f"站点源文件已写入 {result.out}", err=True)


@main.command()
@CONFIG_OPTION
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, help="预览地址。")
def serve(config_file: Path, dev_addr: str) -> None:
    """本地预览站点；修改 catalog/ 中的记录后自动重新生成。"""
    from mkdocs.commands.serve import serve as mkdocs_serve

    from .build import _ensure_logging

    _ensure_logging()
    # dirty: rebuild only what a change touched (generator/dirty.py makes that exact, so MkDocs'
    # warning that dirty builds may show stale navigation does not apply)
    logging.getLogger("mkdocs.commands.build").addFilter(
        lambda record: not str(record.msg).startswith("A 'dirty' build is being performed"))
    mkdocs_serve(config_file=str(config_file), dev_addr=dev_addr, build_type="dirty")


@main.command("export")
@CATALOG_OPTION
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="xlsx", show_default=True,
              help="json 含全部字段；csv 和 xlsx 每条记录一行，Excel 可直接打开。")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="输出文件。")
def export_command(catalog_dir: Path, fmt: str, output: Path) -> None:
    """导出全部记录为 JSON、CSV 或 Excel 表格。"""
    from .export import export

    catalog = require_catalog(catalog_dir, "未导出")
    output.write_bytes(export(catalog, fmt))
    click.echo(f"已导出 {len(catalog.records)} 条记录：{output}", err=True)


@main.command("search")
@click.argument("query", nargs=-1, required=True)
@CATALOG_OPTION
@click.option("--model", "models", multiple=True, help="只看某一治理模式（models.yml 中的 id，如 sanzhi-ronghe）；可重复。")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS), help="只看某一类型；可重复。")
@click.option("--region", default=None, help="只看某地区及其下级地区（regions.yml 中的 id，如 hebi）。")
@click.option("--year", "years", multiple=True, type=int, help="只看某一年份；可重复。")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="最多显示几条。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text 供阅读，json 供程序使用。")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path, file_okay=False), default=Path(".cache/whoosh"),
              show_default=True,
              help="索引所在的缓存目录；记录目录的文件没有改动时直接检索，有改动时先检查再只重建有改动的记录。")
def search_command(query: tuple[str, ...], catalog_dir: Path, models: tuple[str, ...], kinds: tuple[str, ...],
                   region: str | None, years: tuple[int, ...], limit: int, fmt: str, cache_dir: Path) -> None:
    """全文检索记录（jieba 分词 + 领域词典，BM25 排序），可按模式、类型、地区、年份筛选。"""
    import difflib

    from .search.cli import WhooshIndex
    from .search.text import JiebaMissing

    text = " ".join(query).strip()
    if not text:
        raise click.UsageError("请输入检索词")
    try:  # the full check runs only when a file of the catalogue changed since the index was made
        index = WhooshIndex.open_current(catalog_dir, cache_dir, lambda: require_catalog(catalog_dir, "无法检索"))
    except JiebaMissing as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    for value, known, option in [*((m, index.models, "--model") for m in models),
                                 *(((region, index.regions, "--region"),) if region else ())]:
        if value not in known:
            close = difflib.get_close_matches(value, sorted(known), n=1)
            hint = f"，是否想写“{close[0]}”?" if close else "，可选：" + "、".join(sorted(known))
            raise click.BadParameter(f"“{value}”不存在{hint}", param_hint=option)
    if index.updated or index.removed:
        click.echo(f"检索索引已更新：{len(index.updated)} 条记录重新索引，{len(index.removed)} 条移除。", err=True)
    hits = index.search(text, models=models, kinds=kinds, region=region, years=years, limit=limit)
    from .search.query import suggestions

    also = index.last.also if index.last else []
    suggest = [] if hits else suggestions(text, index.glossary + list(index.models.values()))
    if fmt == "json":
        click.echo(json.dumps({"query": text, "count": len(hits), "also": also, "suggest": suggest,
                               "results": [h.as_dict() for h in hits]}, ensure_ascii=False, indent=2))
        return
    if also:
        click.echo("同时搜索了：" + "、".join(also), err=True)
    if not hits:
        tip = "；可以试试：" + "、".join(suggest) if suggest else ""
        click.echo(f"没有找到与“{text}”匹配的记录{tip}。", err=True)
        return
    from .schema import KIND_NAMES

    for rank, hit in enumerate(hits, 1):
        click.echo(f"{rank}. {hit.id}  {hit.title}")
        year = f" · {hit.year}年" if hit.year is not None else ""
        click.echo(f"   {KIND_NAMES[hit.kind]} · {hit.region_name}{year} · 得分 {hit.score:.2f}")
        click.echo(f"   {hit.snippet}")

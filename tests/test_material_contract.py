"""The contract with Material for MkDocs' internals (generator/material.py), pinned to one version.

On a Material upgrade this test fails once, listing every item to re-check, before any page breaks.
After re-checking (and adapting generator/material.py, kb-head.js, the partials or the worker),
update PINNED_VERSION and the digests in generator/material.py."""

import inspect
import re

from generator import material


def broken_items() -> list[str]:
    problems = []
    version = material.installed_version()
    if version != material.PINNED_VERSION:
        problems.append(f"installed Material {version}, generator/material.py is written against "
                        f"{material.PINNED_VERSION}")
    # 1. search plugin config keys and its module-global jieba
    from material.plugins.search import plugin as search_plugin
    from material.plugins.search.config import SearchConfig

    keys = {name for name, _ in SearchConfig._schema}
    for key in ("separator", "jieba_dict_user", "lang"):
        if key not in keys:
            problems.append(f"search plugin config has no `{key}` (configure_search)")
    if not hasattr(search_plugin, "jieba"):
        problems.append("material.plugins.search.plugin has no module global `jieba` (configure_search)")
    # 2. the worker URL in the page configuration and the worker's messages
    workers = sorted(material.template_path("assets/javascripts/workers").glob("search.*.min.js"))
    if len(workers) != 1:
        problems.append(f"expected one hashed search worker, found {[w.name for w in workers]} (use_worker)")
    else:
        url = f'"search": "../assets/javascripts/workers/{workers[0].name}"'
        if material.WORKER_URL.search(url) is None:
            problems.append(f"WORKER_URL does not match the worker {workers[0].name} (use_worker)")
        source = workers[0].read_text(encoding="utf-8")
        if not re.search(r"case 0:return yield \w+\(t\.data\.config\),\w+=new \w+\(t\.data\),\{type:1\}", source) \
                or "{type:3,data:" not in source:
            problems.append("Material's worker no longer answers setup(0)→ready(1), query(2)→result(3) "
                            "as generator/assets/search-worker.js does")
    # 3. search_index.json as Material writes it
    src = inspect.getsource(search_plugin)
    if "search_index.json" not in src or "location" not in inspect.getsource(search_plugin.SearchIndex):
        problems.append("Material's search plugin no longer writes search/search_index.json (read_page_index)")
    if "search_index_prev" not in src:
        problems.append("Material's search plugin no longer keeps `search_index_prev` under serve --dirty "
                        "(forget_previous_index)")
    # 4. partials replaced wholesale, whose code kb-head.js repeats
    for name, digest in material.OVERRIDDEN_PARTIALS.items():
        if material.template_digest(name) != digest:
            problems.append(f"Material's {name} changed: compare it with generator/assets/javascripts/kb-head.js "
                            f"and theme_overrides/{name}")
    # 5. the offline plugin and its polyfills
    from material.plugins.offline.plugin import OfflinePlugin

    offline = inspect.getsource(OfflinePlugin)
    if "polyfills" not in offline or "iframe-worker" not in offline:
        problems.append("Material's offline plugin no longer adds iframe-worker via extra.polyfills (offline_config)")
    if "enabled" not in {name for name, _ in OfflinePlugin.config_class._schema}:
        problems.append("Material's offline plugin has no `enabled` option (offline_config)")
    return problems


def test_material_internals_are_as_generator_material_expects():
    problems = broken_items()
    assert not problems, ("Material for MkDocs changed under generator/material.py; re-check:\n- "
                          + "\n- ".join(problems))


def test_only_the_adapters_import_material():
    from pathlib import Path

    package = Path(material.__file__).parent
    users = sorted(p.name for p in package.glob("*.py")
                   if re.search(r"^\s*(from|import) material\b", p.read_text(encoding="utf-8"), re.MULTILINE))
    assert users == ["material.py"], users

"""The project's mkdocs.yml read as plain values, for the commands that need a setting from it
without loading MkDocs (`kb check`, `kb materialise`).

mkdocs.yml carries `!!python/...` tags (the slugify function) and may carry other `!` tags: they
are read as None, never constructed. A missing or unreadable file reads as no settings.
"""

from __future__ import annotations

from pathlib import Path

import yaml


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config(config_file: Path) -> dict:
    try:
        data = yaml.load(Path(config_file).read_text(encoding="utf-8"), Loader=_Loader)
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def catalog_options(config_file: Path | None) -> dict | None:
    """The `catalog` plugin's options in mkdocs.yml, or None when the file does not use it."""
    if config_file is None:
        return None
    for plugin in read_config(config_file).get("plugins") or []:
        if isinstance(plugin, dict) and "catalog" in plugin:
            return plugin["catalog"] if isinstance(plugin["catalog"], dict) else {}
    return None

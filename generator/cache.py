"""A content-addressed cache under the project's `.cache/`: the one place work is remembered between runs.

A value is stored under the hash of everything it was computed from plus the generator's own
fingerprint (its code, templates and scripts), so an entry can never be stale: change a record,
a template or the code, and the key changes with it. Values are bytes the caller serialises
(JSON, never pickle: nothing read back can run code). Writes are atomic, so an interrupted run
leaves whole entries or none.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Callable

GENERATOR = Path(__file__).resolve().parent


def tree_digest(folder: Path) -> str:
    """A hash of every file's path and bytes under `folder` (compiled bytecode aside): changes
    whenever any file in it is added, removed, renamed or edited."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def generator_fingerprint() -> str:
    """A hash of every file of the generator package (code, templates, scripts, dictionaries)."""
    return tree_digest(GENERATOR)


def content_key(*parts: bytes | str) -> str:
    """The key of a value computed from `parts` by this version of the generator."""
    digest = hashlib.blake2b(generator_fingerprint().encode(), digest_size=20)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))  # length-prefixed: ("ab","c") != ("a","bc")
        digest.update(data)
    return digest.hexdigest()


class Cache:
    """One namespace of the cache, e.g. `Cache(project / ".cache", "pages")`. With `root=None` it
    remembers nothing (tests and one-off runs that must not write into the project)."""

    def __init__(self, root: Path | None, namespace: str):
        self.folder = Path(root) / namespace if root is not None else None
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / key

    def get(self, key: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        self.hits += 1
        return data

    def put(self, key: str, data: bytes) -> None:
        if self.folder is None:
            return
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def has(self, key: str) -> bool:
        return self.folder is not None and self._path(key).is_file()

    def file(self, key: str, make: Callable[[], bytes]) -> Path | bytes:
        """The value of `key` as a file of the cache, made and stored only when missing, for a
        caller that hands on a path instead of holding the bytes (a site's downloads, which the
        engine copies); without a folder, the bytes."""
        if self.folder is None:
            return make()
        path = self._path(key)
        if path.is_file():
            self.hits += 1
        else:
            self.misses += 1
            self.put(key, make())
        return path

    def keep(self, data: bytes) -> Path | bytes:
        """`data` as a file named by its own hash (see `file`)."""
        return self.file(hashlib.blake2b(data, digest_size=20).hexdigest(), lambda: data)

    def get_or_make(self, key: str, make: Callable[[], bytes]) -> bytes:
        data = self.get(key)
        if data is None:
            self.misses += 1
            data = make()
            self.put(key, data)
        return data

"""A content-addressed cache under the project's `.cache/`: the one place work is remembered between runs.

A value is stored under the hash of everything it was computed from plus the generator's own
fingerprint (its code, templates and scripts), so an entry can never be stale: change a record,
a template or the code, and the key changes with it. Values are bytes the caller serialises
(JSON, never pickle: nothing read back can run code).

Entries go into append-only pack files, one per run and namespace, instead of one file each:
at 10,000 records a build stores some 70,000 entries, and creating that many small files cost
more system time than the work they saved. Each entry carries its length and a CRC, so a pack
cut short by an interrupted run, or damaged, yields only the whole entries before the damage.
Values a caller hands on as a path (a site's downloads) stay files of their own.

Every pack and file belongs to a generation, the generator's fingerprint: an entry made by other
code can never be asked for again (its key holds that code's fingerprint), so when a namespace is
opened, another generation's packs and files are removed (once no run can still be writing them).
Upgrading the generator, or editing a template, leaves one generation on disk, not one more each time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import tempfile
import time
import zlib
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Callable

GENERATOR = Path(__file__).resolve().parent
MAGIC = b"KBPACK1\n"
ENTRY = struct.Struct("<BII")  # key length, value length, CRC-32 of the value
MAX_PACKS = 16  # more packs than this in a namespace are merged into one when it is next opened
SETTLED = 60.0  # seconds: a pack younger than this may still be written by another run


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


def generation() -> str:
    """The name this version of the generator gives its packs and its folder of files."""
    return generator_fingerprint()[:12]


def content_key(*parts: bytes | str) -> str:
    """The key of a value computed from `parts` by this version of the generator."""
    digest = hashlib.blake2b(generator_fingerprint().encode(), digest_size=20)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))  # length-prefixed: ("ab","c") != ("a","bc")
        digest.update(data)
    return digest.hexdigest()


def _scan(pack: Path) -> dict[str, tuple[int, int, int]]:
    """Key -> (offset, length, CRC) of every whole entry of one pack; {} if it is not one."""
    found: dict[str, tuple[int, int, int]] = {}
    try:
        source = open(pack, "rb", buffering=1 << 16)
    except OSError:
        return found
    with source:
        size = os.fstat(source.fileno()).st_size
        if source.read(len(MAGIC)) != MAGIC:
            return found
        offset = len(MAGIC)
        while offset + ENTRY.size <= size:
            key_length, length, crc = ENTRY.unpack(source.read(ENTRY.size))
            start = offset + ENTRY.size + key_length
            if start + length > size:
                break  # cut short: the run writing it stopped, or is still writing
            try:
                key = source.read(key_length).decode("ascii")
            except UnicodeDecodeError:
                break  # damaged: nothing after this point can be located
            found[key] = (start, length, crc)
            source.seek(length, os.SEEK_CUR)
            offset = start + length
    return found


class Cache:
    """One namespace of the cache, e.g. `Cache(project / ".cache", "pages")`. With `root=None` it
    remembers nothing (tests and one-off runs that must not write into the project)."""

    def __init__(self, root: Path | None, namespace: str):
        self.folder = Path(root) / namespace if root is not None else None
        self.hits = 0
        self.misses = 0
        self._index: dict[str, tuple[Path, int, int, int]] | None = None  # read on first use
        self._readers: dict[Path, BinaryIO] = {}
        self._pack: Path | None = None  # this instance's own pack, made on its first put
        self._writer: BinaryIO | None = None
        self._size = 0

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return Path(f"{self.folder}/{generation()}/{key[:2]}/{key}")  # one parse: asked for every download of every build

    def _entries(self) -> dict[str, tuple[Path, int, int, int]]:
        if self._index is None:
            self._index = {}
            packs = self._own_generation() if self.folder is not None and self.folder.is_dir() else []
            for pack in packs:
                for key, (start, length, crc) in _scan(pack).items():
                    self._index[key] = (pack, start, length, crc)
            if len(packs) > MAX_PACKS:
                self._merge(packs)
        return self._index

    def _own_generation(self) -> list[Path]:
        """This generation's packs; another generation's packs and folders of files go, once settled."""
        assert self.folder is not None
        own, mine = [], generation()
        for path in sorted(self.folder.iterdir()):
            if path.name.startswith(mine):
                if path.suffix == ".pack":
                    own.append(path)
            elif _age(path) <= SETTLED:
                continue  # another version's run may still be writing it
            elif path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif path.suffix == ".pack":
                path.unlink(missing_ok=True)
        return own

    def _merge(self, packs: list[Path]) -> None:
        """Many runs leave many packs: copy the settled ones' entries into one and remove them."""
        settled = {p for p in packs if _age(p) > SETTLED}
        if len(settled) < 2:
            return
        for key, where in list(self._index.items()):
            data = self._read(key) if where[0] in settled else None
            if data is not None:
                self.put(key, data)
        for reader in self._readers.values():
            reader.close()
        self._readers.clear()
        for pack in settled:
            pack.unlink(missing_ok=True)
        self._index = {k: w for k, w in self._index.items() if w[0] not in settled}

    def _read(self, key: str) -> bytes | None:
        where = self._entries().get(key)
        if where is None:
            return None
        pack, start, length, crc = where
        try:
            reader = self._readers.get(pack)
            if reader is None:
                reader = self._readers[pack] = open(pack, "rb", buffering=0)
            data = os.pread(reader.fileno(), length, start)
        except OSError:
            return None
        if len(data) != length or zlib.crc32(data) != crc:
            return None  # damaged since it was indexed: made again, never trusted
        return data

    def get(self, key: str) -> bytes | None:
        if self.folder is None:
            return None
        data = self._read(key)
        if data is not None:
            self.hits += 1
        return data

    def put(self, key: str, data: bytes) -> None:
        if self.folder is None:
            return
        index = self._entries()
        encoded = key.encode("ascii")
        if self._writer is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._pack = self.folder / f"{generation()}-{time.time_ns():x}-{os.getpid()}-{os.urandom(4).hex()}.pack"
            self._writer = open(self._pack, "xb", buffering=0)
            self._writer.write(MAGIC)
            self._size = len(MAGIC)
        crc = zlib.crc32(data)
        self._writer.write(ENTRY.pack(len(encoded), len(data), crc) + encoded + data)  # one write: whole or cut short
        start = self._size + ENTRY.size + len(encoded)
        self._size = start + len(data)
        index[key] = (self._pack, start, len(data), crc)

    def has(self, key: str) -> bool:
        return self.folder is not None and (key in self._entries() or self._path(key).is_file())

    def file(self, key: str, make: Callable[[], bytes]) -> Path | bytes:
        """The value of `key` as a file of the cache, made and stored only when missing, for a
        caller that hands on a path instead of holding the bytes (a site's downloads, which the
        engine copies); without a folder, the bytes."""
        if self.folder is None:
            return make()
        self._entries()  # (the first look at the namespace clears another generation's files)
        path = self._path(key)
        if path.is_file():
            self.hits += 1
            return path
        self.misses += 1
        data = make()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)  # atomic: a reader sees the whole file or none
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
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

    def count(self) -> int:
        """How many entries the namespace holds, packed and as files (not `__len__`: an empty
        cache must not be falsy where callers write `cache or Cache(None, ...)`)."""
        if self.folder is None:
            return 0
        files = {p.name for p in self.folder.glob(f"{generation()}/??/*") if not p.name.startswith(".tmp-")}
        return len(files | set(self._entries()))


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0

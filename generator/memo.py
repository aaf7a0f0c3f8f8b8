"""What a long-lived process (`kb serve`) remembers of each record between builds.

The check hands an unchanged file's record on as the very same object (check_files' memo), so a
value derived from a record alone, in a context that did not change (the region tree, the
glossary, the site's routes), can be reused as long as the record is that object: identity, not
equality, so nothing is compared field by field and an edited record is never mistaken for its
old self. A one-off `kb build` passes no memo and computes everything, as before.
"""

from __future__ import annotations

from typing import Any, Callable, Hashable, TypeVar

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

T = TypeVar("T")


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, kept in memory: each build's new Environment (ours, and
    MkDocs' for the theme) loads them instead of compiling them again. Jinja checks each against
    its source's checksum, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


class RecordMemo:
    def __init__(self) -> None:
        self._values: dict[tuple[str, str], tuple[object, Hashable, Any]] = {}
        self.templates = CompiledTemplates()

    def get(self, kind: str, record: Any, context: Hashable, make: Callable[[], T]) -> T:
        """`make()` for this record, or what it gave last time for the same record object in the same context."""
        key = (kind, record.id)
        hit = self._values.get(key)
        if hit is not None and hit[0] is record and hit[1] == context:
            return hit[2]
        value = make()
        self._values[key] = (record, context, value)
        return value

    def keep_only(self, records) -> None:
        """Forget records that are gone (deleted or renamed), once a build has its catalogue."""
        ids = {r.id for r in records}
        for key in [k for k in self._values if k[1] not in ids]:
            del self._values[key]


def remember(memo: RecordMemo | None, kind: str, record: Any, context: Hashable, make: Callable[[], T]) -> T:
    return make() if memo is None else memo.get(kind, record, context, make)

"""The case-study shape: which optional sections each kind has, and which a record leaves empty.

Pages show every section in this order and say “原文未提供” where a record has nothing; `kb check`
reports the gaps as information, and the editors' status page lists records by completeness.
"""

from __future__ import annotations

from .catalog import Catalog
from .problems import Problem
from .schema import RecordBase

# kind -> (field, heading) of the sections a record may leave empty, in reading order
OPTIONAL_SECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "practice": (("outcomes", "成效"), ("replicability", "可复制推广")),
    "policy": (("basis", "制定依据"), ("phases", "实施步骤"), ("safeguards", "保障措施")),
    "project": (("components", "主要功能"), ("coverage", "覆盖范围"), ("outcomes", "成效")),
}
NOT_PROVIDED = "原文未提供"


def missing_sections(record: RecordBase) -> list[str]:
    """Headings of the sections this record has nothing for."""
    return [heading for field, heading in OPTIONAL_SECTIONS[record.kind]  # type: ignore[attr-defined]
            if not getattr(record, field)]


def completeness(record: RecordBase) -> tuple[int, int]:
    """(sections present, sections in the kind's shape)."""
    total = len(OPTIONAL_SECTIONS[record.kind])  # type: ignore[attr-defined]
    return total - len(missing_sections(record)), total


def completeness_problems(catalog: Catalog) -> list[Problem]:
    """One `missing-section` information line per empty section: visible to editors, never an error."""
    problems = []
    for record in catalog.records:
        fields = dict((h, f) for f, h in OPTIONAL_SECTIONS[record.kind])  # type: ignore[attr-defined]
        for heading in missing_sections(record):
            problems.append(Problem(catalog.files[record.id], 1, 1, fields[heading], "missing-section",
                                    f"缺少“{heading}”，页面将显示“{NOT_PROVIDED}”",
                                    "原文有相关内容时请补充；确实没有则无需处理", "info"))
    return problems

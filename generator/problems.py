"""Problems are values: every stage collects them instead of stopping at the first."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    field: str
    code: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_text(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}: "
        field = f"{self.field}: " if self.field else ""
        label = "警告:" if self.severity == "warning" else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{field}{label}{self.message}{hint} [{self.code}]"


def promote_warnings(problems: Iterable[Problem]) -> list[Problem]:
    """`--strict`: a warning counts as an error."""
    from dataclasses import replace

    return [replace(p, severity="error") for p in problems]


def summary(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    files = len({p.file for p in problems})
    if not problems:
        return "检查通过:没有发现问题。"
    return f"共 {errors} 个错误、{warnings} 个警告,涉及 {files} 个文件。"


def report_text(problems: list[Problem]) -> str:
    return "".join(p.as_text() + "\n" for p in sorted(problems))


def report_json(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    return json.dumps(
        {
            "valid": errors == 0,
            "errors": errors,
            "warnings": len(problems) - errors,
            "problems": [asdict(p) for p in sorted(problems)],
        },
        ensure_ascii=False,
        indent=2,
    ) + "\n"


def _github_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def report_github(problems: list[Problem]) -> str:
    """GitHub Actions workflow commands, so problems show inline on a pull request's files."""
    lines = []
    for p in sorted(problems):
        props = f"file={_github_escape(p.file, prop=True)},line={p.line},col={p.col},title={_github_escape(p.code, prop=True)}"
        body = f"{p.field}: {p.message}" if p.field else p.message
        if p.hint:
            body += f" ({p.hint})"
        lines.append(f"::{p.severity} {props}::{_github_escape(body)}\n")
    return "".join(lines)


REPORTERS = {"text": report_text, "json": report_json, "github": report_github}

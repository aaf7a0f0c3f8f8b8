"""Problems are values: every stage collects them instead of stopping at the first."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning", "info"]


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
        label = {"warning": "警告：", "info": "信息："}.get(self.severity, "")
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{field}{label}{self.message}{hint} [{self.code}]"


def promote_warnings(problems: Iterable[Problem]) -> list[Problem]:
    """`--strict`: a warning counts as an error (information stays information)."""
    from dataclasses import replace

    return [replace(p, severity="error") if p.severity == "warning" else p for p in problems]


def summary(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    infos = len(problems) - errors - warnings
    files = len({p.file for p in problems if p.severity != "info"})
    note = f"另有 {infos} 条信息（记录缺少的可选部分）。" if infos else ""
    if errors + warnings == 0:
        return "检查通过：没有发现问题。" + note
    return f"共 {errors} 个错误、{warnings} 个警告，涉及 {files} 个文件。" + note


def report_text(problems: list[Problem]) -> str:
    return "".join(p.as_text() + "\n" for p in sorted(problems))


def report_json(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    return json.dumps(
        {
            "valid": errors == 0,
            "errors": errors,
            "warnings": sum(p.severity == "warning" for p in problems),
            "infos": sum(p.severity == "info" for p in problems),
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
        level = "notice" if p.severity == "info" else p.severity
        lines.append(f"::{level} {props}::{_github_escape(body)}\n")
    return "".join(lines)


def report_gitlab(problems: list[Problem]) -> str:
    """GitLab Code Quality JSON (artifacts:reports:codequality), so a merge request shows each
    problem on its line."""
    import hashlib

    issues = []
    for p in sorted(problems):
        body = f"{p.field}: {p.message}" if p.field else p.message
        if p.hint:
            body += f" ({p.hint})"
        fingerprint = hashlib.sha1(f"{p.file}:{p.line}:{p.col}:{p.code}:{p.message}".encode()).hexdigest()
        issues.append({
            "description": body,
            "check_name": p.code,
            "fingerprint": fingerprint,
            "severity": "major" if p.is_error else "minor",
            "location": {"path": p.file, "lines": {"begin": p.line}},
        })
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"


REPORTERS = {"text": report_text, "json": report_json, "github": report_github, "gitlab": report_gitlab}

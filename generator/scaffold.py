"""`kb new`: a record skeleton with every field commented from the schema's own descriptions."""

from __future__ import annotations

import datetime as dt
import typing

from pydantic import BaseModel

from .schema import KIND_NAMES, RECORD_MODELS, inner_model

PLACEHOLDERS = {"title": "待填写标题", "summary": "待填写摘要", "region": "待填写地区编号"}


def _is_list(annotation: typing.Any) -> bool:
    return typing.get_origin(annotation) is list


def _lines(model: type[BaseModel], indent: str, values: dict[str, str]) -> list[str]:
    out = []
    names = sorted(model.model_fields, key=lambda n: (n not in ("id", "kind"), n != "id"))
    for name in names:
        info = model.model_fields[name]
        required = info.is_required()
        out.append(f"{indent}# {'必填' if required else '选填'}:{info.description or ''}")
        block = [f"{indent}{name}:"]
        inner = inner_model(info.annotation)
        if name in values:
            block[0] += f" {values[name]}"
        elif inner is not None and _is_list(info.annotation):
            sub = _lines(inner, indent + "    ", values={})
            first = next(i for i, line in enumerate(sub) if not line.lstrip().startswith("#"))
            block += sub[:first] + [indent + "  - " + sub[first].strip()] + sub[first + 1:]
        elif inner is not None:
            block += _lines(inner, indent + "  ", values={})
        elif _is_list(info.annotation):
            block.append(f"{indent}  - 待填写")
        else:
            block[0] += f" {PLACEHOLDERS.get(name, '待填写')}"
        if not required:  # optional blocks stay commented until the editor needs them
            block = [line if line.lstrip().startswith("#") else f"{indent}# {line[len(indent):]}" for line in block]
        out += block
    return out


def scaffold(kind: str, record_id: str, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    model = RECORD_MODELS[kind]
    values = {"id": record_id, "kind": kind, "year": str(today.year)}
    body = _lines(model, "", values)
    text = "\n".join(body)
    text = text.replace("added: 待填写", f"added: {today.isoformat()}")
    text = text.replace("checked: 待填写", f"checked: {today.isoformat()}")
    header = (f"# {KIND_NAMES[kind]}:请按注释填写,事实必须来自出处;写完运行 kb check。\n"
              "# 选填字段已注释掉,需要时去掉行首的 # 。\n")
    return header + text + "\n"

"""`kb new`: a record skeleton with every field commented from the schema's own descriptions."""

from __future__ import annotations

import datetime as dt
import typing

from pydantic import BaseModel

from .schema import KIND_NAMES, RECORD_MODELS, inner_model

PLACEHOLDERS = {"title": "待填写标题", "summary": "待填写摘要", "region": "待填写地区编号",
                "model": "待填写治理模式编号"}
PLACEHOLDER_WORD = "待填写"  # `kb check` refuses a record that still holds it ([placeholder])
# optional fields a new record nearly always needs: written out (with a placeholder), not commented
SHOWN = {"Source": {"title", "publisher", "date", "url"}}


def _is_list(annotation: typing.Any) -> bool:
    return typing.get_origin(annotation) is list


def _lines(model: type[BaseModel], indent: str, values: dict[str, str]) -> list[str]:
    out = []
    shown = SHOWN.get(model.__name__, set())
    fields = model.model_fields
    names = sorted(fields, key=lambda n: (n not in ("id", "kind"), n != "id",
                                          bool(indent) and not (fields[n].is_required() or n in shown)))
    for name in names:
        info = fields[name]
        required = info.is_required() or name in shown
        out.append(f"{indent}# {'必填' if required else '选填'}:{info.description or ''}")
        block = [f"{indent}{name}:"]
        inner = inner_model(info.annotation)
        if name in values:
            block[0] += f" {values[name]}"
        elif inner is not None and _is_list(info.annotation):
            sub = _lines(inner, indent + "    ", values={})
            first = next((i for i, line in enumerate(sub) if not line.lstrip().startswith("#")), None)
            if first is None:  # every field optional (e.g. figures): one placeholder item
                block.append(f"{indent}  - 待填写")
            else:
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
    # `checked` stays empty: only an editor who compared the record with its source may fill it in
    text = text.replace("added: 待填写", f"added: {today.isoformat()}")
    header = (f"# {KIND_NAMES[kind]}:请按注释填写,事实必须来自出处;写完运行 kb check。\n"
              "# 选填字段已注释掉,需要时去掉行首的 # 。\n")
    return header + text + "\n"

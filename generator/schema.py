"""The record kinds and reference data, declared once.

Validation (`check.py`) and the JSON Schema for editors' IDEs (`kb schema`) are both derived
from these models, so a field described here is described everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated, Literal, Optional, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*[a-z0-9]$"
KINDS = ("practice", "policy", "project")
KIND_FOLDERS = {"practice": "practices", "policy": "policies", "project": "projects"}
KIND_NAMES = {"practice": "实践案例", "policy": "政策文件", "project": "创新项目"}
LEVELS = ("省", "市", "县区", "乡镇街道", "村社区")
PROJECT_STATUSES = ("规划中", "建设中", "运行中", "已结束")


def _real_date(value: str) -> str:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "bad_date", "日期“{value}”不存在", {"value": value}
        ) from None
    return value


def _partial_date(value: str) -> str:
    """A source date may be known only to the year or month, as its publication gives it."""
    parts = value.split("-")
    try:
        year, month, day = (int(p) for p in parts + ["1"] * (3 - len(parts)))
        dt.date(year, month, day)
    except ValueError:
        raise PydanticCustomError(
            "bad_date", "日期“{value}”不存在", {"value": value}
        ) from None
    return value


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise PydanticCustomError(
            "bad_url", "网址“{value}”不是 http/https 地址", {"value": value}
        )
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("empty", "不能为空", {})
    return value


Text = Annotated[str, AfterValidator(_not_blank)]
"""Plain text: shown literally, never interpreted as Markdown or HTML."""

Markdown = Annotated[
    str,
    AfterValidator(_not_blank),
    WithJsonSchema({"type": "string", "minLength": 1, "contentMediaType": "text/markdown"}),
]
"""Markdown text: paragraphs, lists, emphasis, tables and http/https/mailto links; no raw HTML."""

Slug = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
Tag = Annotated[str, StringConstraints(pattern=r"^[\w\u00b7\u2014-]{1,20}$")]
Date = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$"),
    AfterValidator(_real_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
PartialDate = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$"),
    AfterValidator(_partial_date),
]
Url = Annotated[str, AfterValidator(_http_url), WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://"})]
RegionCode = Annotated[
    str,
    StringConstraints(pattern=r"^\d{6}$"),
    # YAML editors read `code: 410600` as a number; both spellings mean the same code.
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^\d{6}$"},
                              {"type": "integer", "minimum": 100000, "maximum": 999999}]}),
]
Year = Annotated[int, Field(ge=1949, le=2100)]
Number = Annotated[float, Field(allow_inf_nan=False)]


def inner_model(annotation) -> type[BaseModel] | None:
    """The model inside an annotation such as Optional[Source] or list[Step], if any."""
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = inner_model(arg)
        if found is not None:
            return found
    return None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


# --- parts shared by several kinds ---------------------------------------------------------


class Source(Strict):
    """出处:记录中每一项事实都来自这里。"""

    title: Text = Field(description="原文标题,照原文照录")
    publisher: Optional[Text] = Field(None, description="发布单位或刊发媒体,如“法治参考”“湖南长安网”")
    date: Optional[PartialDate] = Field(
        None, description="发布日期,YYYY-MM-DD;原文只给到年或月时写 YYYY 或 YYYY-MM"
    )
    author: Optional[Text] = Field(None, description="作者或通讯员,原文有署名时填写")
    url: Optional[Url] = Field(None, description="原文网址,仅限 http/https")
    doc_number: Optional[Text] = Field(None, description="文号,如“洞政办发〔2021〕12号”")
    archived_copy: Optional[Annotated[str, StringConstraints(pattern=r"^[\w.-]+\.txt$")]] = Field(
        None, description="编辑部存档的原文副本文件名(shared/seeds/ 下),用于核对数字"
    )


class Review(Strict):
    """审核记录。"""

    added: Date = Field(description="收录日期,YYYY-MM-DD")
    checked: Date = Field(description="最近一次对照原文核对的日期,YYYY-MM-DD")


class Step(Strict):
    """一个带标题的步骤、措施或条目。"""

    title: Text = Field(description="小标题,简短")
    text: Markdown = Field(description="内容(Markdown),概括原文事实,不大段照抄")


class Figure(Strict):
    """一条成效或覆盖情况:一句陈述,原文给出数字时附数值、单位和年份。"""

    statement: Text = Field(description="陈述句,如“覆盖全市73.7万余人”")
    value: Optional[Number] = Field(None, description="数值,如 73.7;必须与原文一致")
    unit: Optional[Text] = Field(None, description="单位,如“万人”“个”“%”")
    year: Optional[Year] = Field(None, description="数字对应的年份,原文给出时填写")


class Replicability(Strict):
    """可复制推广性:在别处照做需要什么。"""

    conditions: list[Text] = Field(default_factory=list, description="适用条件")
    key_points: list[Text] = Field(default_factory=list, description="关键要点")
    cautions: list[Text] = Field(default_factory=list, description="注意事项")


class RecordBase(Strict):
    id: Slug = Field(description="记录编号:小写字母、数字和连字符,与文件名一致,如 hebi-yiping-sihui")
    title: Text = Field(description="标题,如“鹤壁市‘一评四会’”")
    region: Slug = Field(description="所属地区,regions.yml 中的 id,如 hebi")
    models: list[Slug] = Field(min_length=1, description="治理模式,models.yml 中的 id,至少一个")
    tags: list[Tag] = Field(default_factory=list, description="标签,简短中文词语")
    year: Optional[Year] = Field(
        None, description="年份:做法形成、文件印发或项目启动之年;原文未写明时不填,不要推测")
    summary: Text = Field(description="摘要:一两句话,十秒内读完")
    source: Source = Field(description="出处")
    related: list[Slug] = Field(default_factory=list, description="相关记录的 id")
    review: Review = Field(description="审核日期")
    if TYPE_CHECKING:  # each kind declares `kind` as its Literal (the discriminator); typed here for readers
        kind: str

    def links(self) -> dict[str, tuple[str, ...]]:
        """Outgoing links by relation, for the catalogue to resolve and reverse."""
        return {"related": tuple(self.related)}

    def body_texts(self) -> list[str]:
        """The kind's own main text, in reading order (indexed as the search `body` field)."""
        return []


# --- the three kinds ---------------------------------------------------------------------------


class Practice(RecordBase):
    """实践案例:一个地方具体、可复制的做法。"""

    kind: Literal["practice"] = Field(description="记录类型:practice 实践案例")
    background: Markdown = Field(description="背景:要解决的问题(Markdown)")
    measures: list[Step] = Field(min_length=1, description="主要做法,每项一个带标题的步骤")
    outcomes: list[Figure] = Field(default_factory=list, description="成效")
    replicability: Optional[Replicability] = Field(None, description="可复制推广性")
    implements: list[Slug] = Field(default_factory=list, description="本做法落实的政策文件 id")

    def links(self) -> dict[str, tuple[str, ...]]:
        return {**super().links(), "implements": tuple(self.implements)}

    def body_texts(self) -> list[str]:
        return [*(f"{s.title} {s.text}" for s in self.measures), *(f.statement for f in self.outcomes)]


class Period(Strict):
    start: Year = Field(description="起始年份")
    end: Year = Field(description="截止年份")


class Task(Strict):
    """一项重点任务及其责任分工。"""

    title: Text = Field(description="任务名称,如“党建引领示范工程”")
    text: Markdown = Field(description="任务内容概要(Markdown)")
    lead: Optional[Text] = Field(None, description="牵头领导")
    departments: list[Text] = Field(default_factory=list, description="责任部门或责任单位")


class Phase(Strict):
    """一个实施阶段。"""

    name: Text = Field(description="阶段名称,如“全面铺开阶段”")
    period: Text = Field(description="时间,如“2020年”")
    text: Markdown = Field(description="阶段任务(Markdown)")


class Policy(RecordBase):
    """政策文件:确定目标和任务的文件。"""

    kind: Literal["policy"] = Field(description="记录类型:policy 政策文件")
    issuer: Text = Field(description="制发单位")
    doc_number: Optional[Text] = Field(None, description="文号,原文有时填写")
    issue_date: Optional[Date] = Field(None, description="印发日期,YYYY-MM-DD,原文有时填写")
    period: Optional[Period] = Field(None, description="实施期限")
    basis: Optional[Markdown] = Field(None, description="制定依据与指导思想(Markdown)")
    objectives: list[Step] = Field(min_length=1, description="总体目标")
    tasks: list[Task] = Field(min_length=1, description="重点任务及分工")
    phases: list[Phase] = Field(default_factory=list, description="实施步骤")
    safeguards: list[Step] = Field(default_factory=list, description="保障措施")

    def body_texts(self) -> list[str]:
        return [self.issuer, *(f"{s.title} {s.text}" for s in self.objectives),
                *(f"{t.title} {t.text}" for t in self.tasks)]


class Investment(Strict):
    amount: Number = Field(description="金额,如 1000")
    unit: Text = Field(description="单位,如“万元”")
    per: Optional[Text] = Field(None, description="周期,如“每年”;一次性投入不填")
    note: Optional[Text] = Field(None, description="说明,如资金来源")


class Project(RecordBase):
    """创新项目:有主体、有投入、有覆盖面的建设项目或平台。"""

    kind: Literal["project"] = Field(description="记录类型:project 创新项目")
    owner: Text = Field(description="建设或运营主体")
    start_year: Optional[Year] = Field(None, description="启动年份,原文有时填写")
    status: Literal[PROJECT_STATUSES] = Field(description="状态:规划中、建设中、运行中或已结束")  # type: ignore[valid-type]
    description: Markdown = Field(description="项目是什么、怎么运转(Markdown)")
    components: list[Step] = Field(default_factory=list, description="主要功能或组成部分")
    investment: Optional[Investment] = Field(None, description="投入")
    coverage: list[Figure] = Field(default_factory=list, description="覆盖范围")
    outcomes: list[Figure] = Field(default_factory=list, description="成效")
    supports: list[Slug] = Field(default_factory=list, description="本项目支撑的实践案例 id")
    implements: list[Slug] = Field(default_factory=list, description="本项目落实的政策文件 id")

    def links(self) -> dict[str, tuple[str, ...]]:
        return {
            **super().links(),
            "supports": tuple(self.supports),
            "implements": tuple(self.implements),
        }

    def body_texts(self) -> list[str]:
        return [self.owner, self.description, *(f"{s.title} {s.text}" for s in self.components),
                *(f.statement for f in self.coverage), *(f.statement for f in self.outcomes)]


Record = Annotated[Union[Practice, Policy, Project], Field(discriminator="kind")]
RECORD_MODELS: dict[str, type[RecordBase]] = {"practice": Practice, "policy": Policy, "project": Project}


# --- reference data --------------------------------------------------------------------------


class GovernanceModel(Strict):
    """治理模式。"""

    id: Slug = Field(description="编号,用于网址和记录的 models 字段,如 sanzhi-ronghe")
    name: Text = Field(description="名称,如“三治融合”")
    description: Text = Field(description="一段说明")
    key_elements: list[Text] = Field(min_length=1, description="关键要素")


class ModelsFile(Strict):
    models: list[GovernanceModel] = Field(min_length=1, description="治理模式列表")


class Region(Strict):
    """一个行政区域,children 为下级区域。"""

    id: Slug = Field(description="编号,用于网址和记录的 region 字段,如 hebi")
    name: Text = Field(description="名称,如“鹤壁市”")
    level: Literal[LEVELS] = Field(description="层级:省、市、县区、乡镇街道或村社区")  # type: ignore[valid-type]
    code: Optional[RegionCode] = Field(
        None, description="GB/T 2260 行政区划代码(六位),乡镇街道及以下不填"
    )
    children: list["Region"] = Field(default_factory=list, description="下级区域")


class RegionsFile(Strict):
    regions: list[Region] = Field(min_length=1, description="顶级区域(省)")


class Term(Strict):
    """术语。"""

    id: Slug = Field(description="编号,用于术语表中的锚点")
    term: Text = Field(description="术语,如“四议两公开”")
    aliases: list[Text] = Field(default_factory=list, description="别称,在正文中同样链接到本条")
    definition: Text = Field(description="释义")
    source: Text = Field(description="来源:出自何处、何地首创")


class GlossaryFile(Strict):
    terms: list[Term] = Field(min_length=1, description="术语列表")


REFERENCE_FILES: dict[str, type[Strict]] = {
    "models.yml": ModelsFile,
    "regions.yml": RegionsFile,
    "glossary.yml": GlossaryFile,
}


def json_schemas() -> dict[str, dict]:
    """One JSON Schema per file type, for editors' IDEs (yaml-language-server and the like)."""
    from pydantic import TypeAdapter

    schemas = {f"{KIND_FOLDERS[k]}/*.yml": m.model_json_schema() for k, m in RECORD_MODELS.items()}
    schemas["record"] = TypeAdapter(Record).json_schema()
    for name, model in REFERENCE_FILES.items():
        schemas[name] = model.model_json_schema()
    return schemas

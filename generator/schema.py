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
    model_validator,
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
# Region levels as China's administrative divisions name them, grouped by tier (级).
LEVEL_TIERS = {
    "省级": ("省", "自治区", "直辖市", "特别行政区"),
    "地级": ("地级市", "地区", "自治州", "盟"),
    "县级": ("市辖区", "县级市", "县", "自治县", "旗"),
    "乡级": ("乡", "镇", "街道"),
    "村级": ("村", "社区"),
}
LEVELS = tuple(level for levels in LEVEL_TIERS.values() for level in levels)
TIER_OF = {level: tier for tier, levels in LEVEL_TIERS.items() for level in levels}
QUALIFIERS = ("约", "余", "多", "近", "超过", "不足")
FURTHER_ROLES = ("发源地", "推广地", "实施地")
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
    # 6 digits (GB/T 2260) for province, prefecture and county; 9 or 12 digits (统计用区划代码)
    # for township and village. YAML editors read `code: 410600` as a number: both spellings work.
    StringConstraints(pattern=r"^(\d{6}|\d{9}|\d{12})$"),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^(\d{6}|\d{9}|\d{12})$"},
                              {"type": "integer", "minimum": 100000, "maximum": 999999999999}]}),
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


ArchivedName = Annotated[str, StringConstraints(pattern=r"^[\w.-]+\.txt$")]


class Source(Strict):
    """出处:记录中每一项事实都来自这里。一条记录可以有多个出处。"""

    key: Optional[Slug] = Field(
        None, description="出处的简称(小写字母、数字和连字符,如 xinhua-2022);记录有多个出处时必填,"
                          "做法、成效、任务用 `source: 简称` 注明各自出自哪一个")
    title: Optional[Text] = Field(None, description="原文标题,照原文照录;标题不详时可不填,改写 description")
    description: Optional[Text] = Field(
        None, description="出处说明,标题不详时必填,如“鹤壁市委政法委提供的工作总结”")
    publisher: Optional[Text] = Field(None, description="发布单位或刊发媒体,如“法治参考”“湖南长安网”")
    date: Optional[PartialDate] = Field(
        None, description="发布日期,YYYY-MM-DD;原文只给到年或月时写 YYYY 或 YYYY-MM"
    )
    author: Optional[Text] = Field(None, description="作者或通讯员,原文有署名时填写")
    url: Optional[Url] = Field(None, description="原文网址,仅限 http/https")
    doc_number: Optional[Text] = Field(None, description="文号,如“洞政办发〔2021〕12号”")
    archived_copy: Optional[ArchivedName] = Field(
        None, description="存档的原文副本文件名(存档目录下的 .txt 文件),kb check 据此核对记录中的每个数字"
    )

    @model_validator(mode="after")
    def _named(self) -> "Source":
        if self.title is None and self.description is None:
            raise PydanticCustomError("source_unnamed", "出处既没有 title 也没有 description", {})
        return self

    @property
    def label(self) -> str:
        return self.title or self.description or ""


class Review(Strict):
    """审核记录。"""

    added: Date = Field(description="收录日期,YYYY-MM-DD")
    checked: Optional[Date] = Field(
        None, description="最近一次对照原文核对的日期,YYYY-MM-DD;由核对过原文的编辑填写,未核对前留空")


class Step(Strict):
    """一个带标题的步骤、措施或条目。"""

    title: Text = Field(description="小标题,简短")
    text: Markdown = Field(description="内容(Markdown),概括原文事实,不大段照抄")
    source: Optional[Slug] = Field(None, description="出自哪个出处(sources 中的 key);只有一个出处时不填")


class Amount(Strict):
    """一个数字:确数(value)或范围(low、high),可带限定词、单位和年份(或起止年份)。"""

    value: Optional[Number] = Field(None, description="数值,如 73.7;必须与原文一致")
    qualifier: Optional[Literal[QUALIFIERS]] = Field(  # type: ignore[valid-type]
        None, description="限定词,原文写“约、余、多、近、超过、不足”时照填,如 1800余人写 value: 1800、qualifier: 余")
    low: Optional[Number] = Field(None, description="范围的下限,如“10至20个”写 low: 10、high: 20")
    high: Optional[Number] = Field(None, description="范围的上限")
    unit: Optional[Text] = Field(None, description="单位,如“万人”“个”“%”(百分号请加引号:unit: \"%\")")
    year: Optional[Year] = Field(None, description="数字对应的年份,原文给出时填写")
    year_end: Optional[Year] = Field(None, description="数字对应一段时间时的截止年份,如 2019—2021年写 year: 2019、year_end: 2021")

    @model_validator(mode="after")
    def _consistent(self) -> "Amount":
        if self.value is not None and (self.low is not None or self.high is not None):
            raise PydanticCustomError("figure_value_and_range", "value 与 low/high 只能二选一", {})
        if (self.low is None) != (self.high is None):
            raise PydanticCustomError("figure_half_range", "范围要同时写 low 和 high", {})
        if self.low is not None and self.high is not None and self.low > self.high:
            raise PydanticCustomError("figure_range_order", "low 大于 high", {})
        if self.year_end is not None and (self.year is None or self.year_end < self.year):
            raise PydanticCustomError("figure_year_range", "year_end 需要配合更早的 year", {})
        return self

    @property
    def has_number(self) -> bool:
        return self.value is not None or self.low is not None


class Quantity(Amount):
    """一句陈述中的多个数字之一,如两个比率、逐年数据、时长的小时和分钟。"""

    label: Optional[Text] = Field(None, description="这个数字说的是什么,如“群众满意率”“2020年”")


class Figure(Amount):
    """一条成效或覆盖情况:一句陈述;原文给出数字时附数值(或范围)、限定词、单位和年份。"""

    statement: Text = Field(description="陈述句,如“覆盖全市73.7万余人”")
    figures: list[Quantity] = Field(
        default_factory=list, description="一句陈述含多个数字时逐个列出(此时不填本条的 value)")
    source: Optional[Slug] = Field(None, description="出自哪个出处(sources 中的 key);只有一个出处时不填")

    @model_validator(mode="after")
    def _one_way(self) -> "Figure":
        if self.figures and self.has_number:
            raise PydanticCustomError("figure_value_and_list", "已列出 figures 时不要再写本条的 value 或 low/high", {})
        return self

    @property
    def quantities(self) -> tuple[Amount, ...]:
        return tuple(self.figures) if self.figures else ((self,) if self.has_number else ())


class FurtherRegion(Strict):
    """记录涉及的其他地区:做法的发源地、推广地等。"""

    region: Slug = Field(description="地区编号(regions.yml 中的 id)")
    role: Literal[FURTHER_ROLES] = Field(description="与本记录的关系:发源地、推广地或实施地")  # type: ignore[valid-type]


class Replicability(Strict):
    """可复制推广性:在别处照做需要什么。"""

    conditions: list[Text] = Field(default_factory=list, description="适用条件")
    key_points: list[Text] = Field(default_factory=list, description="关键要点")
    cautions: list[Text] = Field(default_factory=list, description="注意事项")


class RecordBase(Strict):
    id: Slug = Field(description="记录编号:小写字母、数字和连字符,与文件名一致,如 hebi-yiping-sihui")
    title: Text = Field(description="标题,如“鹤壁市‘一评四会’”")
    region: Slug = Field(description="所属地区,regions.yml 中的 id,如 hebi")
    further_regions: list[FurtherRegion] = Field(
        default_factory=list, description="其他相关地区,如做法的发源地、推广地;这些地区的页面也会列出本记录")
    model: Slug = Field(description="主要治理模式,models.yml 中的 id,如 sanzhi-ronghe")
    secondary_models: list[Slug] = Field(default_factory=list, description="其他相关治理模式(可不填)")
    tags: list[Tag] = Field(default_factory=list, description="标签,简短中文词语")
    year: Optional[Year] = Field(
        None, description="年份:做法形成、文件印发或项目启动之年;原文未写明时不填,不要推测")
    summary: Text = Field(description="摘要:一两句话,十秒内读完")
    sources: list[Source] = Field(min_length=1, description="出处列表,至少一个;每项以 - 开头")
    related: list[Slug] = Field(default_factory=list, description="相关记录的 id")
    review: Review = Field(description="审核日期")
    if TYPE_CHECKING:  # each kind declares `kind` as its Literal (the discriminator); typed here for readers
        kind: str

    @property
    def models(self) -> tuple[str, ...]:
        """Every model id, the main one first (search, browse and catalogue indexes use this)."""
        return (self.model, *(m for m in self.secondary_models if m != self.model))

    @property
    def region_ids(self) -> tuple[str, ...]:
        """The record's own region, then the further regions it names."""
        return (self.region, *(f.region for f in self.further_regions if f.region != self.region))

    def source_for(self, key: str | None) -> Source:
        return next((s for s in self.sources if key is not None and s.key == key), self.sources[0])

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
    source: Optional[Slug] = Field(None, description="出自哪个出处(sources 中的 key);只有一个出处时不填")


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
    level: Literal[LEVELS] = Field(  # type: ignore[valid-type]
        description="层级:省、自治区、直辖市、特别行政区;地级市、地区、自治州、盟;市辖区、县级市、县、"
                    "自治县、旗;乡、镇、街道;村、社区")
    code: Optional[RegionCode] = Field(
        None, description="行政区划代码:省、地、县三级填 GB/T 2260 六位代码(必须以上级代码开头);"
                          "乡镇街道(9位)和村社区(12位)的统计用区划代码可不填"
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


class SynonymGroup(Strict):
    """一组近义词:检索其中任何一个词,也检索其余各词。"""

    preferred: Text = Field(description="首选词,如“群防群治”")
    synonyms: list[Text] = Field(min_length=1, description="同义的其他说法,如“群防群控”")
    basis: Optional[Text] = Field(default=None, description="依据:哪些记录或术语用了这些说法")


class ThesaurusFile(Strict):
    groups: list[SynonymGroup] = Field(default_factory=list, description="近义词组")


REFERENCE_FILES: dict[str, type[Strict]] = {
    "models.yml": ModelsFile,
    "regions.yml": RegionsFile,
    "glossary.yml": GlossaryFile,
    "thesaurus.yml": ThesaurusFile,
}
OPTIONAL_REFERENCE_FILES = frozenset({"thesaurus.yml"})


def json_schemas() -> dict[str, dict]:
    """One JSON Schema per file type, for editors' IDEs (yaml-language-server and the like)."""
    from pydantic import TypeAdapter

    schemas = {f"{KIND_FOLDERS[k]}/*.yml": m.model_json_schema() for k, m in RECORD_MODELS.items()}
    schemas["record"] = TypeAdapter(Record).json_schema()
    for name, model in REFERENCE_FILES.items():
        schemas[name] = model.model_json_schema()
    return schemas

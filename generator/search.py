"""Search: one vocabulary, two engines.

- `domain_terms` / `write_user_dict`: the domain dictionary (taxonomy, glossary with aliases, tags,
  region names, the quoted key terms of record titles) in jieba's user-dictionary format. The
  MkDocs plugin hands the file to Material's search plugin (`jieba_dict_user`); `Analyzer` adds
  the same words with the same frequency, so 三治融合 or 积分换项目 is one word in every engine.
- `Analyzer`: jieba (search mode, no HMM guessing, so it is deterministic) over text normalised to
  simplified characters with a 1:1 character map, lower-cased, stop words dropped. Because the
  character map is 1:1, token offsets are offsets into the original text (highlighting works).
- `record_fields`: what is indexed for a record, field by field.
- `Corpus`: the analysed catalogue, built once per build; `similar_records` (related records) and
  the site's search index (`generator/webindex.py`) read it.
- `WhooshIndex`: the command line's fielded BM25 index in a cache folder, updated per record by
  content hash (`kb search`).
- `near_duplicates`: pairs of records whose text is nearly the same (`kb check` warns).
"""

from __future__ import annotations

import hashlib
import math
import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from .catalog import Catalog
from .load import iter_strings
from .schema import KIND_NAMES, RecordBase

# --- normalisation -------------------------------------------------------------------------------

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD = re.compile(rf"[{HAN}]|[0-9a-z]", re.IGNORECASE)
QUOTED = re.compile(r"[“\"「『‘]([^”\"」』’]{2,16})[”\"」』’]")
# Function words that carry no meaning on their own; dropped from every index and every query.
STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 是 为 对 把 被 将 由 从 以 于 等 并 其 之 也 都 就 而 又 中 上 下 个 这 那 有 向 让 使 "
    "a an and the of to in on for is are".split()
)


@lru_cache(maxsize=1)
def ts_characters() -> dict[str, list[str]]:
    """OpenCC's TSCharacters table: each traditional character and its simplified candidates."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            trad, simps = line.split("\t", 1)
            table[trad] = simps.split(" ")
    return table


@lru_cache(maxsize=1)
def t2s_map() -> dict[str, str]:
    """Traditional → simplified, character for character (OpenCC's TSCharacters, first choice).

    Only 1:1 pairs are kept, so normalised text has the same length as the original."""
    pairs = {}
    for trad, simps in ts_characters().items():
        simp = simps[0]
        if len(trad) == 1 and len(simp) == 1 and trad != simp and ord(trad) < 0x10000 and ord(simp) < 0x10000:
            pairs[trad] = simp
    return pairs


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    return {ord(k): v for k, v in t2s_map().items()}


def normalise(text: str) -> str:
    """Simplified characters, lower case, full-width ASCII folded; same length as the input."""
    text = text.translate(_t2s_table())
    text = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)
    return text.lower()


# --- the domain dictionary -----------------------------------------------------------------------

def _region_short(name: str) -> str | None:
    for suffix in ("特别行政区", "自治州", "自治县", "省", "市", "区", "县", "街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def domain_terms(catalog: Catalog) -> list[str]:
    """Every word the domain knows as one word, sorted: model names, glossary terms and aliases,
    tags, region names (and their short forms: 鹤壁市 → 鹤壁) and the quoted key terms of titles
    (鹤壁市“一评四会” → 一评四会)."""
    words: set[str] = set()
    words.update(m.name for m in catalog.models)
    for term in catalog.glossary:
        words.add(term.term)
        words.update(term.aliases)
    words.update(catalog.tags)
    for node in catalog.regions.values():
        words.add(node.name)
        short = _region_short(node.name)
        if short:
            words.add(short)
    for record in catalog.records:
        words.update(m.group(1) for m in QUOTED.finditer(record.title))
    out = set()
    for word in words:
        word = normalise(word.strip())
        # jieba's dictionary format is "word freq": a word may not contain spaces; pure ASCII
        # words need no dictionary; punctuation inside a term (综治中心+网格化) splits it anyway.
        for part in re.split(r"[^\w\u00b7]+", word):
            if 2 <= len(part) <= 20 and re.search(f"[{HAN}]", part):
                out.add(part)
    return sorted(out)


DICT_FREQ = 30000  # high enough to keep a domain term whole, low enough not to swallow longer words


def write_user_dict(terms: Iterable[str], path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{t} {DICT_FREQ} n\n" for t in terms)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return path


def dictionary_hash(terms: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(terms).encode("utf-8")).hexdigest()[:16]


# --- the analyzer --------------------------------------------------------------------------------

class JiebaMissing(RuntimeError):
    pass


def require_jieba():
    try:
        import jieba
    except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
        raise JiebaMissing("未安装中文分词库 jieba(pip install jieba),中文检索无法分词") from exc
    jieba.setLogLevel(60)
    return jieba


class Analyzer:
    """jieba with the domain dictionary, over normalised text."""

    def __init__(self, terms: Sequence[str] = ()):
        jieba = require_jieba()
        self.terms = tuple(terms)
        self._tok = jieba.Tokenizer()
        self._tok.initialize()
        for term in self.terms:
            self._tok.add_word(term, DICT_FREQ, "n")

    def spans(self, text: str, *, search: bool = True) -> Iterator[tuple[str, int, int]]:
        """(token, start, end) with offsets into `text`. Search mode also yields the dictionary
        words inside a long word (人民调解 → 人民, 调解, 人民调解), so a part finds the whole."""
        norm = normalise(text)
        mode = "search" if search else "default"
        for word, start, end in self._tok.tokenize(norm, mode=mode, HMM=False):
            if word in STOPWORDS or not WORD.search(word):
                continue
            yield word, start, end

    def tokens(self, text: str, *, search: bool = True) -> list[str]:
        return [w for w, _, _ in self.spans(text, search=search)]

    def query_terms(self, query: str) -> list[str]:
        """A query's words in reading order (accurate mode: 三治融合 stays one term)."""
        return list(dict.fromkeys(self.tokens(query, search=False)))


@lru_cache(maxsize=4)
def analyzer_for(terms: tuple[str, ...]) -> Analyzer:
    return Analyzer(terms)


def catalog_analyzer(catalog: Catalog) -> Analyzer:
    return analyzer_for(tuple(domain_terms(catalog)))


# --- what is indexed -----------------------------------------------------------------------------

FIELD_WEIGHTS = {"title": 5.0, "meta": 3.0, "summary": 2.0, "body": 1.0}


def _steps(items) -> list[str]:
    return [f"{s.title} {s.text}" for s in items]


def _figures(items) -> list[str]:
    return [f.statement for f in items]


def record_fields(catalog: Catalog, record: RecordBase) -> dict[str, str]:
    """The text of each indexed field: title; meta (kind, models, region path, tags); summary;
    body (measures / objectives and tasks / description and components, outcomes, coverage)."""
    r = record
    meta = [KIND_NAMES[r.kind]]  # type: ignore[attr-defined]
    meta += [catalog.model_by_id[m].name for m in r.models if m in catalog.model_by_id]
    meta += [n.name for n in catalog.region_path(r.region)]
    meta += list(r.tags)
    body: list[str] = []
    if r.kind == "practice":  # type: ignore[attr-defined]
        body += _steps(r.measures) + _figures(r.outcomes)  # type: ignore[attr-defined]
    elif r.kind == "policy":  # type: ignore[attr-defined]
        body += [r.issuer] + _steps(r.objectives)  # type: ignore[attr-defined]
        body += [f"{t.title} {t.text}" for t in r.tasks]  # type: ignore[attr-defined]
    else:
        body += [r.owner, r.description] + _steps(r.components)  # type: ignore[attr-defined]
        body += _figures(r.coverage) + _figures(r.outcomes)  # type: ignore[attr-defined]
    return {"title": r.title, "meta": " ".join(meta), "summary": r.summary, "body": "\n".join(body)}


def content_hash(fields: Mapping[str, str], extra: str = "") -> str:
    h = hashlib.sha256(extra.encode("utf-8"))
    for name in sorted(fields):
        h.update(f"\0{name}\0{fields[name]}".encode("utf-8"))
    return h.hexdigest()[:20]


def plain_markdown(text: str) -> str:
    """Markdown field → readable plain text for snippets (links keep their words)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`#>|]+", "", text)
    return " ".join(text.split())


# --- the analysed catalogue ----------------------------------------------------------------------

@dataclass(frozen=True)
class Doc:
    id: str
    fields: dict[str, str]
    tokens: dict[str, list[str]]  # field -> tokens


class Corpus:
    """Every record analysed once: the input of related records and the site's search index."""

    def __init__(self, catalog: Catalog, analyzer: Analyzer | None = None):
        self.catalog = catalog
        self.analyzer = analyzer or catalog_analyzer(catalog)
        self.docs: list[Doc] = []
        for record in catalog.records:
            fields = record_fields(catalog, record)
            tokens = {name: self.analyzer.tokens(text) for name, text in fields.items()}
            self.docs.append(Doc(record.id, fields, tokens))
        self.df: Counter[str] = Counter()
        for doc in self.docs:
            self.df.update(set().union(*map(set, doc.tokens.values())))

    def weighted_tf(self, doc: Doc) -> Counter[str]:
        tf: Counter[str] = Counter()
        for name, tokens in doc.tokens.items():
            weight = FIELD_WEIGHTS[name]
            for token in tokens:
                tf[token] += weight
        return tf

    def idf(self, term: str) -> float:
        n = len(self.docs)
        df = self.df.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))


# --- related records -----------------------------------------------------------------------------

def similar_records(corpus: Corpus, limit: int = 5, key_terms: int = 12) -> dict[str, list[str]]:
    """Up to `limit` similar records per record, best first, deterministic.

    More-like-this as whoosh does it (the record's `key_terms` highest tf-idf terms, then a
    BM25-weighted match of other records on them), plus shared governance models and region
    closeness (same region, or one inside the other). Records already linked explicitly are left
    out: the page lists them first."""
    catalog = corpus.catalog
    n = len(corpus.docs)
    if n < 2:
        return {d.id: [] for d in corpus.docs}
    # Very common terms say nothing about likeness and make candidate lists long.
    df_cap = max(30, int(0.05 * n))
    vectors: dict[str, dict[str, float]] = {}
    postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for doc in corpus.docs:
        tf = corpus.weighted_tf(doc)
        length = sum(tf.values()) or 1.0
        vec = {t: (c / length) * corpus.idf(t) for t, c in tf.items() if corpus.df[t] <= df_cap}
        vectors[doc.id] = vec
        for term, weight in vec.items():
            postings[term].append((doc.id, weight))
    records = catalog.by_id
    out: dict[str, list[str]] = {}
    for doc in corpus.docs:
        vec = vectors[doc.id]
        keys = sorted(vec, key=lambda t: (-vec[t], t))[:key_terms]
        mlt: dict[str, float] = defaultdict(float)
        for term in keys:
            for other, weight in postings[term]:
                if other != doc.id:
                    mlt[other] += vec[term] * weight
        top = max(mlt.values(), default=0.0) or 1.0
        record = records[doc.id]
        linked = {link.target for link in catalog.links(doc.id)}
        lineage = {n.id for n in catalog.region_path(record.region)}
        candidates = set(mlt)
        if len(candidates) < limit:  # small catalogues: models and region still relate records
            candidates |= {r.id for r in catalog.records if set(r.models) & set(record.models)}
        scored = []
        for other in candidates - linked - {doc.id}:
            o = records[other]
            score = mlt.get(other, 0.0) / top
            score += 0.25 * len(set(o.models) & set(record.models))
            if o.region == record.region:
                score += 0.2
            elif o.region in lineage or record.region in {n.id for n in catalog.region_path(o.region)}:
                score += 0.1
            if score > 0:
                scored.append((-round(score, 9), other))
        out[doc.id] = [rid for _, rid in sorted(scored)[:limit]]
    return out


# --- near-duplicates -----------------------------------------------------------------------------

NEAR_DUPLICATE = 0.8  # Jaccard similarity of character 4-gram sets
SKETCH = 64


def duplicate_text(record: RecordBase) -> str:
    """The text compared for near-duplicates: everything a reader reads, without the title."""
    data = record.model_dump(exclude={"id", "title", "region", "models", "tags", "year", "source",
                                      "related", "review", "kind", "implements", "supports"})
    text = normalise(" ".join(plain_markdown(value) for _, value in iter_strings(data)))
    return "".join(WORD.findall(text))


def _shingles(text: str, k: int = 4) -> set[str]:
    if len(text) <= k:
        return {text} if text else set()
    return {text[i:i + k] for i in range(len(text) - k + 1)}


def near_duplicates(records: Sequence[RecordBase], threshold: float = NEAR_DUPLICATE) -> list[tuple[int, int, float]]:
    """(i, j, similarity) for record pairs i < j whose text is nearly the same.

    Bottom-k sketches of the shingle sets find candidate pairs without comparing all pairs; each
    candidate is then verified on the full sets, so the answer is exact for the pairs found."""
    shingles = [_shingles(duplicate_text(r)) for r in records]
    sketches = []
    for s in shingles:
        hashes = sorted({zlib.crc32(x.encode("utf-8")) for x in s})[:SKETCH]
        sketches.append(hashes)
    by_hash: dict[int, list[int]] = defaultdict(list)
    for index, sketch in enumerate(sketches):
        for h in sketch:
            by_hash[h].append(index)
    shared: Counter[tuple[int, int]] = Counter()
    crowded = max(20, len(records) // 50)
    for members in by_hash.values():
        if len(members) < 2 or len(members) > crowded:
            continue
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                shared[(members[a], members[b])] += 1
    found = []
    for (i, j), count in sorted(shared.items()):
        if count < SKETCH // 8:
            continue
        a, b = shingles[i], shingles[j]
        if not a or not b:
            continue
        small, large = sorted((len(a), len(b)))
        if small / large < threshold:
            continue
        similarity = len(a & b) / len(a | b)
        if similarity >= threshold:
            found.append((i, j, similarity))
    return found


# --- the command line's whoosh index ------------------------------------------------------------

SCHEMA_VERSION = "1"


from whoosh.analysis import Token as _Token, Tokenizer as _Tokenizer  # noqa: E402


class JiebaTokenizer(_Tokenizer):
    """whoosh tokenizer over `Analyzer`. Pickled into the index as its dictionary terms only."""

    def __init__(self, terms: Sequence[str] = ()):
        self.terms = tuple(terms)

    @property
    def analyzer(self) -> Analyzer:
        return analyzer_for(self.terms)

    def __getstate__(self):
        return {"terms": self.terms}

    def __setstate__(self, state):
        self.terms = tuple(state["terms"])

    def __eq__(self, other):
        return other.__class__ is self.__class__ and other.terms == self.terms

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = _Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        spans = self.analyzer.spans(value) if tokenize else [(value, 0, len(value))]
        for pos, (word, start, end) in enumerate(spans):
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    title: str
    region: str
    region_name: str
    year: int | None
    models: list[str]
    score: float
    snippet: str

    def as_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "title": self.title, "region": self.region,
                "region_name": self.region_name, "year": self.year, "models": self.models,
                "score": round(self.score, 4), "snippet": self.snippet}


class WhooshIndex:
    """Fielded BM25 over the catalogue, kept in `folder` and updated record by record."""

    def __init__(self, catalog: Catalog, folder: Path, analyzer: Analyzer | None = None):
        self.catalog = catalog
        self.folder = Path(folder)
        self.analyzer = analyzer or catalog_analyzer(catalog)
        self.dict_hash = dictionary_hash(self.analyzer.terms)
        self.updated: list[str] = []
        self.removed: list[str] = []
        self._index = None

    def _schema(self):
        from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

        text = JiebaTokenizer(self.analyzer.terms)
        return Schema(
            id=ID(stored=True, unique=True), kind=ID(stored=True), region=ID(stored=True),
            models=KEYWORD(stored=True, commas=True), year=NUMERIC(stored=True, sortable=True),
            title=TEXT(analyzer=text, stored=True),
            meta=TEXT(analyzer=text),
            summary=TEXT(analyzer=text, stored=True),
            body=TEXT(analyzer=text, stored=True),
            hash=STORED(),
        )

    def open(self) -> "WhooshIndex":
        """Open the cached index, rebuilding it whole if the dictionary or schema changed, then
        re-index only the records whose content hash changed and drop the ones that are gone."""
        from whoosh import index

        stamp = self.folder / "VERSION"
        want = f"{SCHEMA_VERSION} {self.dict_hash}"
        fresh = not (index.exists_in(self.folder) and stamp.exists() and stamp.read_text() == want)
        if fresh:
            if self.folder.exists():
                for child in self.folder.iterdir():
                    child.unlink()
            self.folder.mkdir(parents=True, exist_ok=True)
            ix = index.create_in(self.folder, self._schema())
        else:
            ix = index.open_dir(self.folder, schema=self._schema())
        with ix.searcher() as searcher:
            have = {f["id"]: f["hash"] for f in searcher.all_stored_fields()}
        want_docs = {}
        for record in self.catalog.records:
            fields = record_fields(self.catalog, record)
            fields["body"] = plain_markdown(fields["body"])
            extra = f"{record.kind}|{record.region}|{','.join(record.models)}|{record.year}"  # type: ignore[attr-defined]
            want_docs[record.id] = (record, fields, content_hash(fields, extra))
        changed = [rid for rid, (_, _, h) in want_docs.items() if have.get(rid) != h]
        gone = sorted(set(have) - set(want_docs))
        if changed or gone:
            writer = ix.writer()
            for rid in gone:
                writer.delete_by_term("id", rid)
            for rid in changed:
                record, fields, digest = want_docs[rid]
                extra = {"year": record.year} if record.year is not None else {}
                writer.update_document(id=rid, kind=record.kind, region=record.region,  # type: ignore[attr-defined]
                                       models=",".join(record.models), hash=digest, **extra, **fields)
            writer.commit()
        if fresh:
            stamp.write_text(want)
        self.updated, self.removed = sorted(changed), gone
        self._index = ix
        return self

    def search(self, query: str, *, models: Sequence[str] = (), kinds: Sequence[str] = (),
               region: str | None = None, years: Sequence[int] = (), limit: int = 20) -> list[Hit]:
        from whoosh import highlight, query as q, scoring

        if self._index is None:
            self.open()
        terms = self.analyzer.query_terms(query)
        if not terms:
            return []
        fields = ("title", "meta", "summary", "body")
        clauses = [q.Or([q.Term(f, t, boost=FIELD_WEIGHTS[f]) for f in fields]) for t in terms]
        main = q.And(clauses)
        filters = []
        if models:
            filters.append(q.Or([q.Term("models", m) for m in models]))
        if kinds:
            filters.append(q.Or([q.Term("kind", k) for k in kinds]))
        if region:
            filters.append(q.Or([q.Term("region", r) for r in self.catalog.region_and_descendants(region)]))
        if years:
            filters.append(q.Or([q.NumericRange("year", y, y) for y in years]))
        wanted = q.And([main, *filters]) if filters else main
        out = []
        with self._index.searcher(weighting=scoring.BM25F()) as searcher:
            results = searcher.search(wanted, limit=None)
            results.fragmenter = highlight.ContextFragmenter(maxchars=120, surround=40)
            results.formatter = _mark_formatter()
            hits = sorted(results, key=lambda h: (-round(h.score, 9), h["id"]))[:limit]
            for hit in hits:
                snippet = ""
                for name in ("summary", "body", "title"):
                    snippet = hit.highlights(name, top=2)
                    if snippet:
                        break
                if not snippet:
                    snippet = hit["summary"][:80]
                region_id = hit["region"]
                out.append(Hit(hit["id"], hit["kind"], hit["title"], region_id,
                               self.catalog.regions[region_id].name, hit.get("year"),
                               hit["models"].split(","), hit.score, " ".join(snippet.split())))
        return out


def _mark_formatter():
    """Highlights as 【term】: readable in a terminal and in JSON alike."""
    from whoosh.highlight import Formatter, get_text

    class MarkFormatter(Formatter):
        between = " … "

        def format_token(self, text, token, replace=False):
            return "【" + get_text(text, token, replace) + "】"

    return MarkFormatter()

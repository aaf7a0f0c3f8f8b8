"""Search: one vocabulary, two engines.

- `domain_terms`: the domain dictionary (taxonomy, glossary with aliases, tags, region names, the
  quoted key terms of record titles); `Analyzer` adds each word to jieba's dictionary, so 三治融合 or
  积分换项目 is one word in the site's index and in `kb search`. Material's own segmentation is
  switched off (generator/material.py `configure_search`): its index is replaced by ours.
- `Analyzer`: jieba (search mode, no HMM guessing, so it is deterministic) over text normalised to
  simplified characters with a 1:1 character map, lower-cased, stop words dropped. Because the
  character map is 1:1, token offsets are offsets into the original text (highlighting works).
  `Analyzer.tokens` gives jieba's words at a fraction of its cost (runs of characters seen before
  are not cut again; new ones are cut by jieba's own route, written without its generators).
- `record_fields`: what is indexed for a record, field by field.
- `Corpus`: the analysed catalogue, each record segmented once and its tokens kept in
  `.cache/segments/`; `similar_records` (related records), the site's search index
  (`generator/search/site.py`) and `kb search` read it.
- `query`: the one query semantics of both engines (`PARAMS`, `Engine`): stop and question words,
  longest-match cutting, back-off, prefixes, slips, near-synonyms, coverage threshold, ranking. The
  worker (generator/assets/search-worker.js) implements the same steps with the same parameters.
- `thesaurus`: near-synonym groups from catalog/thesaurus.yml and the glossary's aliases.
- `WhooshIndex`: `kb search`'s cache folder: the records' postings (the site's) and filters in
  search.json, their text in whoosh, and a manifest of the catalogue's file hashes that tells whether
  the folder is current without checking the catalogue; it ranks with `query.Engine`.
- `near_duplicates` (generator/duplicates.py): pairs of records whose text is nearly the same (`kb check` warns).

Modules: `text` (normalising, dictionary, analyzer), `fields` (indexed fields, `Corpus`),
`related` (similar records), `query` and `thesaurus` (query semantics), `site` (the site's prebuilt
index), `cli` (whoosh; imported only by `kb search`, so `kb check`, which uses `text`, never loads
whoosh). Near-duplicate
detection lives beside the checks, in `generator/duplicates.py`.
"""

from __future__ import annotations

from .fields import FIELD_WEIGHTS, Corpus, Doc, content_hash, plain_markdown, record_fields
from .related import similar_records
from .text import (DICT_FREQ, HAN, QUOTED, STOPWORDS, WORD, Analyzer, JiebaMissing, analyzer_for, catalog_analyzer,
                   dictionary_hash, domain_terms, normalise, require_jieba, t2s_map, ts_characters)


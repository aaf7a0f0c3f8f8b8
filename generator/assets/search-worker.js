/* 市域社会治理经验库 — the site's search worker.
 *
 * Material for MkDocs runs its search in a web worker whose URL is part of the page configuration;
 * this worker replaces Material's lunr worker and answers the same messages (0 setup, 1 ready,
 * 2 query, 3 result), so the search box and result list are Material's own.
 *
 * The index is built by generator/search/site.py: shards of postings, one file per (first character
 * code mod N), and the table of documents in pieces of a fixed number of rows. A query loads only
 * the shards of its own characters and the pieces of the documents it lists, so no file the browser
 * fetches grows with the catalogue, and nothing is built in the browser.
 *
 * Query handling is generator/search/query.py, step for step (its docstring is the specification;
 * the parameters come from there too, in config.kb.query): normalise, cut by longest match against
 * the records' vocabulary with stop and question words dropped, thesaurus phrases, prefixes,
 * one-character slips, back-off to parts; then coverage-weighted ranking with a threshold.
 * tests/test_search_agreement.py runs this file in node and requires the same ranking as `kb search`.
 */
"use strict"

var pieces = {}
var kb = null
var P = null
var shards = {}
var T2S = {}
var STOP = {}
var SYN = {}
var base = ""
var PIECES = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+/g
var HAN1 = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/

self.kbShard = function (id, terms) { shards[id] = terms }
self.kbDocs = function (id, rows) { pieces[id] = rows }
self.kbT2S = function (pairs) {
  for (var i = 0; i + 1 < pairs.length; i += 2) T2S[pairs[i]] = pairs[i + 1]
}

function url(name) { return base + name + "?v=" + kb.version }

function shardId(term) { return term.charCodeAt(0) % kb.shards }

// Index files are scripts calling kbShard(n, {...}) or kbDocs(n, [...]). Over http(s) they are
// fetched in parallel and their argument parsed as JSON (importScripts would fetch them one after
// the other); opened from disk (Material's iframe shim) importScripts loads them.
function fetchAll(urls) {
  if (!urls.length) return
  if (typeof fetch === "function" && /^https?:/.test(base)) {
    return Promise.all(urls.map(function (u) {
      return fetch(u).then(function (r) {
        if (!r.ok) throw new Error(u + ": HTTP " + r.status)
        return r.text()
      }).then(function (text) {
        var open = text.indexOf("("), comma = text.indexOf(",", open)
        self[text.slice(0, open)](+text.slice(open + 1, comma), JSON.parse(text.slice(comma + 1, text.lastIndexOf(")"))))
      })
    }))
  }
  // In a real worker importScripts is synchronous; in Material's iframe shim it returns a promise.
  return importScripts.apply(self, urls)
}

function load(text) {
  var want = [], seen = {}
  for (var i = 0; i < text.length; i++) {
    var id = shardId(text[i])
    if (!(id in shards) && !seen[id]) { seen[id] = true; want.push(url(id + ".js")) }
  }
  return fetchAll(want)
}

function own(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key) }

function shardOf(term) { return shards[shardId(term)] || {} }

// A word of the records' vocabulary: its first posting is a record (records come first).
function has(term) {
  var shard = shardOf(term)
  return own(shard, term) && shard[term].length > 0 && shard[term][0] < kb.records
}

var vocabs = {}
function vocabOf(term) {
  var id = shardId(term)
  if (!(id in vocabs)) {
    var shard = shards[id] || {}
    vocabs[id] = Object.keys(shard).filter(function (t) { return shard[t].length && shard[t][0] < kb.records }).sort()
  }
  return vocabs[id]
}

function lowerBound(keys, term) {
  var lo = 0, hi = keys.length
  while (lo < hi) {
    var mid = (lo + hi) >> 1
    if (keys[mid] < term) lo = mid + 1
    else hi = mid
  }
  return lo
}

function starting(start) {
  var keys = vocabOf(start), out = []
  for (var i = lowerBound(keys, start); i < keys.length && keys[i].lastIndexOf(start, 0) === 0; i++) out.push(keys[i])
  return out
}

function isPrefix(term) {
  var keys = vocabOf(term), i = lowerBound(keys, term)
  if (i < keys.length && keys[i] === term) i++
  return i < keys.length && keys[i].lastIndexOf(term, 0) === 0
}

function prefixed(term) {
  return starting(term)
    .filter(function (t) { return t !== term })
    .sort(function (a, b) { return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0) })
    .slice(0, P.prefix_terms)
}

function slips(span) {
  return starting(span[0]).filter(function (t) {
    if (t.length !== span.length || t === span) return false
    var diff = 0
    for (var k = 0; k < t.length; k++) if (t[k] !== span[k]) diff++
    return diff === 1
  })
}

function exactParse(text) {
  var out = [], i = 0
  while (i < text.length) {
    var found = false
    for (var j = Math.min(text.length, i + P.max_word); j > i + 1; j--) {
      if (has(text.slice(i, j))) { out.push(text.slice(i, j)); i = j; found = true; break }
    }
    if (!found) return null
  }
  return out
}

function shorterParse(text) {
  for (var j = text.length - 1; j > 1; j--) {
    if (has(text.slice(0, j))) {
      var rest = j < text.length ? exactParse(text.slice(j)) : []
      if (rest !== null && rest.every(function (r) { return r.length < text.length })) return [text.slice(0, j)].concat(rest)
    }
  }
  return null
}

function longest(run, i, test) {
  for (var j = Math.min(run.length, i + P.max_word); j > i; j--) if (test(run.slice(i, j))) return j - i
  return 0
}

function word(text, kind, alts) { return { text: text, kind: kind, alts: alts || [], also: [] } }

function vocabWord(t, exact) {
  if (exact) {
    var w = word(t, "exact", [[[t], 1.0]])
    var parts = t.length >= 3 ? shorterParse(t) : null
    if (parts && parts.length) w.alts.push([parts, P.parts])
    return w
  }
  return word(t, "prefix", prefixed(t).map(function (x) { return [[x], P.prefix] }))
}

function slipAt(run, i, exactLen) {
  for (var length = Math.min(run.length - i, P.max_word); length >= P.slip_min; length--) {
    if (length <= exactLen) break
    var span = run.slice(i, i + length)
    if (exactParse(span) !== null) continue
    var found = slips(span)
    if (found.length) return word(span, "slip", found.map(function (t) { return [[t], P.slip] }))
  }
  return null
}

function synonymWord(phrase) {
  var w = word(phrase, "synonym")
  SYN[phrase].forEach(function (member, k) {
    var parts = exactParse(member)
    if (parts === null) return
    w.alts.push([parts, k === 0 ? 1.0 : P.synonym])
    if (k) w.also.push(member)
  })
  return w
}

function segment(run) {
  var out = [], i = 0
  while (i < run.length) {
    var stop = longest(run, i, function (t) { return own(STOP, t) })
    var syn = longest(run, i, function (t) { return t.length >= 2 && own(SYN, t) })
    var vocab = 0, exact = false
    for (var j = Math.min(run.length, i + P.max_word); j > i + 1; j--) {
      var t = run.slice(i, j)
      if (has(t)) { vocab = j - i; exact = true; break }
      if (isPrefix(t)) { vocab = j - i; break }
    }
    if (stop && stop >= Math.max(vocab, syn, 1)) { i += stop; continue }
    if (syn && syn >= vocab) { out.push(synonymWord(run.slice(i, i + syn))); i += syn; continue }
    var slip = slipAt(run, i, exact ? vocab : 0)
    if (slip) { out.push(slip); i += slip.text.length; continue }
    if (vocab >= 2) { out.push(vocabWord(run.slice(i, i + vocab), exact)); i += vocab; continue }
    var c = run[i]
    out.push(has(c) ? word(c, "single", [[[c], 1.0]]) : word(c, "unknown"))
    i += 1
  }
  return out
}

function words(pieces) {
  var out = [], seen = {}
  pieces.forEach(function (piece) {
    var found
    if (HAN1.test(piece)) found = segment(piece)
    else if (own(STOP, piece)) found = []
    else if (has(piece)) found = [word(piece, "exact", [[[piece], 1.0]])]
    else if (isPrefix(piece)) found = [vocabWord(piece, false)]
    else found = [word(piece, "unknown")]
    found.forEach(function (w) {
      if (!own(seen, w.text)) { seen[w.text] = true; out.push(w) }
    })
  })
  return out
}

function decode(term) {
  var out = new Map(), list = shardOf(term)[term] || [], doc = 0
  for (var k = 0; k < list.length; k += 2) { doc += list[k]; out.set(doc, list[k + 1]) }
  return out
}

function wordScores(w) {
  var best = new Map()
  w.alts.forEach(function (alt) {
    var lists = alt[0].map(decode), factor = alt[1]
    if (!lists.length) return
    lists[0].forEach(function (_, doc) {
      for (var k = 1; k < lists.length; k++) if (!lists[k].has(doc)) return
      var total = 0
      for (var m = 0; m < lists.length; m++) total += lists[m].get(doc)
      var s = factor * total
      if (!best.has(doc) || s > best.get(doc)) best.set(doc, s)
    })
  })
  return best
}

function idfWeight(df, n) {
  return Math.floor(Math.log(1 + (n - df + 0.5) / (df + 0.5)) * 1000 + 0.5) / 1000
}

// The ranking: [[doc, score], …] best first, and the words (generator/search/query.py, Engine.search).
async function rank(query) {
  var norm = normalise(query)
  var pieces = norm.match(PIECES) || []
  await load(pieces.join(""))
  // near-synonyms of thesaurus phrases in the query are cut against their own shards
  var extra = ""
  Object.keys(SYN).forEach(function (phrase) {
    if (norm.indexOf(phrase) >= 0) extra += SYN[phrase].join("")
  })
  if (extra) await load(extra)
  var list = words(pieces)
  if (!list.length) return { words: list, ranked: [], scores: [] }
  var scores = list.map(wordScores)
  var longer = list.some(function (w) { return w.text.length >= 2 })
  var weights = list.map(function (w, k) {
    var df = 0
    scores[k].forEach(function (_, d) { if (d < kb.records) df++ })
    var weight = idfWeight(df, kb.records)
    if (w.kind === "single" && longer) weight = 0.0
    else if (w.kind === "unknown" && w.text.length < 2) weight = weight * P.unknown_single
    return weight
  })
  var total = 0
  weights.forEach(function (w) { total += w })
  var union = new Set()
  scores.forEach(function (m) { m.forEach(function (_, d) { union.add(d) }) })
  var ranked = []
  Array.from(union).sort(function (a, b) { return a - b }).forEach(function (d) {
    var covered = 0, raw = 0
    scores.forEach(function (m, k) {
      if (m.has(d)) { covered += weights[k]; raw += m.get(d) }
    })
    var cover = total ? covered / total : 0.0
    if (cover < P.min_coverage) return
    ranked.push([d, cover * cover * raw])
  })
  ranked.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0] })
  return { words: list, ranked: ranked, scores: scores }
}

function normalise(query) {
  var out = ""
  for (var i = 0; i < query.length; i++) {
    var ch = query[i], code = query.charCodeAt(i)
    if (code >= 0xff01 && code <= 0xff5e) ch = String.fromCharCode(code - 0xfee0)
    out += T2S[ch] || ch
  }
  return out.toLowerCase()
}

function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") }

function escapeHtml(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;") }

function highlighter(terms) {
  if (!terms.length) return function (s) { return s }
  var re = new RegExp(terms
    .sort(function (a, b) { return b.length - a.length })
    .map(escapeRegExp).join("|"), "gi")
  return function (s) { return s.replace(re, "<mark>$&</mark>") }
}

// The table of documents comes in pieces of kb.per_piece rows [location, title, text, kind].
function loadDocs(list) {
  var want = [], seen = {}
  list.forEach(function (d) {
    var k = Math.floor(d / kb.per_piece)
    if (!(k in pieces) && !seen[k]) { seen[k] = true; want.push(url("docs/" + k + ".js")) }
  })
  return fetchAll(want)
}

function docAt(d) {
  var k = Math.floor(d / kb.per_piece), row = pieces[k][d - k * kb.per_piece]
  return { location: row[0], title: row[1], text: row[2], kind: row[3] }
}

// Suggestions when nothing is found: glossary terms and models sharing the most characters with
// the query (kb.suggest: [[name, location], …]).
function suggestions(norm) {
  var chars = {}
  for (var i = 0; i < norm.length; i++) if (HAN1.test(norm[i]) && !own(STOP, norm[i])) chars[norm[i]] = true
  return (kb.suggest || [])
    .map(function (s, k) {
      var n = 0, seen = {}
      for (var i = 0; i < s[0].length; i++) if (chars[s[0][i]] && !seen[s[0][i]]) { seen[s[0][i]] = true; n++ }
      return [n, k, s]
    })
    .filter(function (x) { return x[0] > 0 })
    .sort(function (a, b) { return b[0] - a[0] || a[1] - b[1] })
    .slice(0, 6)
    .map(function (x) { return { title: x[2][0], location: x[2][1] } })
}

async function search(query) {
  var result = await rank(query)
  var terms = []
  result.words.forEach(function (w) { w.alts.forEach(function (a) { terms = terms.concat(a[0]) }) })
  var mark = highlighter(Array.from(new Set(terms)))
  var also = []
  result.words.forEach(function (w) { w.also.forEach(function (a) { if (also.indexOf(a) < 0) also.push(a) }) })
  var shown = result.ranked.slice(0, kb.max_results)
  await loadDocs(shown.map(function (pair) { return pair[0] }))
  var items = shown.map(function (pair) {
    var d = pair[0], doc = docAt(d), kind = doc.kind, matched = {}
    // Material lists the words a hit lacks ("缺少:…") from this map
    result.words.forEach(function (w, k) { if (w.kind !== "unknown") matched[w.text] = result.scores[k].has(d) })
    return [{
      location: doc.location,
      title: (kind ? '<span class="kb-kind">' + kind + "</span> " : "") + mark(doc.title),
      text: mark(doc.text),
      score: pair[1],
      terms: matched
    }]
  })
  return {
    items: items,
    kb: {
      total: result.ranked.length,
      also: also,
      suggest: items.length ? [] : suggestions(normalise(query))
    }
  }
}

// Opened from disk (file://), Material runs the worker in an iframe (its iframe-worker shim): there
// self.location is the page's, and the worker's own URL is that of the iframe's script element.
function workerUrl() {
  if (typeof parent !== "undefined" && parent !== self && "IFrameWorker" in parent) {
    var script = document.querySelector("script[src]")
    if (script) return script.src
  }
  return self.location.href
}

async function handle(message) {
  if (message.type === 0) {
    kb = message.data.config.kb
    P = kb.query
    P.stop.forEach(function (w) { STOP[w] = true })
    SYN = kb.synonyms
    base = new URL("./", workerUrl()).href
    await importScripts(url("t2s.js"))
    return { type: 1 }
  }
  if (message.type === 2) {
    try {
      return { type: 3, data: await search(message.data) }
    } catch (err) {
      console.warn("搜索出错:" + message.data, err)
      return { type: 3, data: { items: [], kb: { also: [], suggest: [] } } }
    }
  }
  throw new TypeError("Invalid message type")
}

// One message at a time, answered in order, so an older query never overwrites a newer result.
var queue = Promise.resolve()
addEventListener("message", function (ev) {
  queue = queue
    .then(function () { return handle(ev.data) })
    .then(function (answer) { postMessage(answer) })
    .catch(function (err) { console.warn(err) })
})

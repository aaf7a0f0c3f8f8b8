/* 市域社会治理经验库 — the site's search worker.
 *
 * Material for MkDocs runs its search in a web worker whose URL is part of the page configuration;
 * this worker replaces Material's lunr worker and answers the same messages (0 setup, 1 ready,
 * 2 query, 3 result), so the search box and result list are Material's own.
 *
 * The index is built by generator/search/site.py: a table of documents (sent by Material with the
 * setup message) and shards of postings, one file per (first character code mod N). A query loads
 * only the shards of its own characters, so what the browser fetches does not grow with the
 * catalogue, and nothing is built in the browser.
 *
 * Query handling mirrors the Python analyzer: traditional characters are mapped to simplified,
 * full-width ASCII folded, letters lower-cased; a run of Chinese characters is cut by forward
 * maximum matching against the index's own vocabulary (which already holds the domain dictionary's
 * words whole, e.g. 三治融合), and every word must occur in a result. A word that is not in the
 * vocabulary matches the words it begins (网格 → 网格化, 网格员 …).
 */
"use strict"

var docs = []
var kb = null
var shards = {}
var T2S = {}
var STOP = {}
var base = ""
var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/
var PIECES = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+/g
var PREFIX_TERMS = 64

self.kbShard = function (id, terms) { shards[id] = terms }
self.kbT2S = function (pairs) {
  for (var i = 0; i + 1 < pairs.length; i += 2) T2S[pairs[i]] = pairs[i + 1]
}

function url(name) { return base + name + "?v=" + kb.version }

function shardId(term) { return term.charCodeAt(0) % kb.shards }

function load(text) {
  var want = [], seen = {}
  for (var i = 0; i < text.length; i++) {
    var id = shardId(text[i])
    if (!(id in shards) && !seen[id]) { seen[id] = true; want.push(url(id + ".js")) }
  }
  // In a real worker importScripts is synchronous; in Material's iframe shim it returns a promise.
  if (want.length) return importScripts.apply(self, want)
}

function shardOf(term) { return shards[shardId(term)] || {} }

function has(term) { return Object.prototype.hasOwnProperty.call(shardOf(term), term) }

function decode(list, factor, into) {
  var doc = 0
  for (var i = 0; i < list.length; i += 2) {
    doc += list[i]
    var w = list[i + 1] * factor
    if (!(into.get(doc) >= w)) into.set(doc, w)
  }
  return into
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

var sortedKeys = {}

function keysOf(term) {
  var id = shardId(term)
  if (!(id in sortedKeys)) sortedKeys[id] = Object.keys(shards[id] || {}).sort()
  return sortedKeys[id]
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

function prefixed(term) {
  var keys = keysOf(term), out = []
  for (var i = lowerBound(keys, term); i < keys.length && keys[i].lastIndexOf(term, 0) === 0; i++)
    if (keys[i] !== term) out.push(keys[i])
  return out
    .sort(function (a, b) { return a.length - b.length || (a < b ? -1 : 1) })
    .slice(0, PREFIX_TERMS)
}

function isPrefix(term) {
  var keys = keysOf(term), i = lowerBound(keys, term)
  if (i < keys.length && keys[i] === term) i++
  return i < keys.length && keys[i].lastIndexOf(term, 0) === 0
}

// Forward maximum matching: at each position the longest span of two or more characters that is
// a word of the index, or the beginning of one (三治 → 三治融合); a single character only when no
// longer span fits, so 三治融合 is never read as 三 and 治 apart.
function segment(run) {
  var out = [], i = 0
  while (i < run.length) {
    var taken = null
    for (var j = run.length; j > i + 1 && !taken; j--) {
      var t = run.slice(i, j)
      if (has(t)) taken = { term: t, exact: true }
      else if (isPrefix(t)) taken = { term: t, exact: false }
    }
    if (!taken) taken = { term: run[i], exact: has(run[i]) }
    if (!(taken.term in STOP)) out.push(taken)
    i += taken.term.length
  }
  return out
}

function words(pieces) {
  var out = [], seen = {}
  pieces.forEach(function (piece) {
    var found = HAN.test(piece[0])
      ? segment(piece)
      : piece in STOP ? [] : [{ term: piece, exact: has(piece) }]
    found.forEach(function (w) {
      if (!seen[w.term]) { seen[w.term] = true; out.push(w) }
    })
  })
  return out
}

function postings(word) {
  var shard = shardOf(word.term), into = new Map()
  if (word.exact) decode(shard[word.term], 1, into)
  else prefixed(word.term).forEach(function (t) { decode(shard[t], 0.8, into) })
  return into
}

function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") }

function highlighter(list) {
  if (!list.length) return function (s) { return s }
  var re = new RegExp(list
    .map(function (w) { return w.term })
    .sort(function (a, b) { return b.length - a.length })
    .map(escapeRegExp).join("|"), "gi")
  return function (s) { return s.replace(re, "<mark>$&</mark>") }
}

async function search(query) {
  var pieces = normalise(query).match(PIECES) || []
  await load(pieces.join(""))
  var list = words(pieces)
  if (!list.length) return { items: [] }
  var lists = list.map(postings)
  var score = new Map(), count = new Map()
  lists.forEach(function (m) {
    m.forEach(function (w, d) {
      score.set(d, (score.get(d) || 0) + w)
      count.set(d, (count.get(d) || 0) + 1)
    })
  })
  var all = []
  score.forEach(function (_, d) { if (count.get(d) === list.length) all.push(d) })
  // No document has every word: show those with the most of them, but only for words of two or
  // more characters (a lone character matches too much to stand for the query).
  if (!all.length) {
    var longer = []
    list.forEach(function (w, k) { if (w.term.length > 1) longer.push(lists[k]) })
    score.forEach(function (_, d) {
      if (longer.some(function (m) { return m.has(d) })) all.push(d)
    })
  }
  all.sort(function (a, b) {
    return count.get(b) - count.get(a) || score.get(b) - score.get(a) || a - b
  })
  var mark = highlighter(list)
  return {
    items: all.map(function (d) {
      var doc = docs[d], terms = {}
      list.forEach(function (w, k) { terms[w.term] = lists[k].has(d) })
      return [{
        location: doc.location,
        title: mark(doc.title),
        text: mark(doc.text),
        score: score.get(d),
        terms: terms
      }]
    })
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
    docs = message.data.docs
    kb = message.data.config.kb
    kb.stop.forEach(function (w) { STOP[w] = true })
    base = new URL("./", workerUrl()).href
    await importScripts(url("t2s.js"))
    return { type: 1 }
  }
  if (message.type === 2) {
    try {
      return { type: 3, data: await search(message.data) }
    } catch (err) {
      console.warn("搜索出错:" + message.data, err)
      return { type: 3, data: { items: [] } }
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

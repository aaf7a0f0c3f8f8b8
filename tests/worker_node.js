/* Runs the site's search worker (generator/assets/search-worker.js, as built into a site) in node,
 * the way a browser would: importScripts reads the site's files. Prints, for each query read from
 * the JSON file argv[3], the worker's ranking: [[document number, score], …].
 *   node tests/worker_node.js SITE_DIR QUERIES.json */
"use strict"
const fs = require("fs")
const path = require("path")
const vm = require("vm")

const site = path.resolve(process.argv[2])
const queries = JSON.parse(fs.readFileSync(process.argv[3], "utf8"))
globalThis.self = globalThis
globalThis.location = { href: "file://" + site + "/search/kb/worker.js" }
globalThis.importScripts = function () {
  for (const u of arguments) {
    const file = decodeURIComponent(new URL(u).pathname)
    vm.runInThisContext(fs.readFileSync(file, "utf8"), { filename: file })
  }
}
globalThis.addEventListener = function () {}
globalThis.postMessage = function () {}
vm.runInThisContext(fs.readFileSync(path.join(site, "search/kb/worker.js"), "utf8"), { filename: "worker.js" })

;(async function () {
  const index = JSON.parse(fs.readFileSync(path.join(site, "search/search_index.json"), "utf8"))
  await handle({ type: 0, data: index })
  const out = {}
  for (const q of queries) {
    const r = await rank(q)
    const answer = await search(q)
    out[q] = { ranked: r.ranked, also: answer.kb.also, suggest: answer.kb.suggest.map(s => s.title) }
  }
  process.stdout.write(JSON.stringify(out))
})().catch(function (err) { console.error(err); process.exit(1) })

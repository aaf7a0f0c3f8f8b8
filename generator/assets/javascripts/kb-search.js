/* What the search worker (generator/assets/search-worker.js) tells the reader beyond Material's
 * result list: the near-synonyms it searched as well ("同时搜索了:群防群控"), and, when nothing is
 * found, glossary terms and models to try; how many pages match when more than are listed. The worker adds them to its result message (data.kb);
 * Material ignores them, so this wraps the Worker constructor (before Material's bundle creates its
 * search worker) to read them and writes a line under Material's result count. */
(function () {
  var Base = window.Worker
  if (!Base) return

  function clear() {
    var old = document.querySelector(".kb-search-note")
    if (old) old.parentNode.removeChild(old)
  }

  function show(data) {
    clear()
    var kb = data && data.kb, meta = document.querySelector(".md-search-result__meta")
    if (!kb || !meta) return
    var box = document.createElement("div")
    box.className = "kb-search-note"
    var lines = []
    if (kb.total > data.items.length) lines.push("共 " + kb.total + " 条，列出最相关的 " + data.items.length + " 条")
    if (kb.also && kb.also.length) lines.push("同时搜索了：" + kb.also.join("、"))
    box.textContent = lines.join("；")
    if (kb.suggest && kb.suggest.length) {
      box.appendChild(document.createTextNode("可以试试："))
      kb.suggest.forEach(function (s, k) {
        if (k) box.appendChild(document.createTextNode("、"))
        var a = document.createElement("a")
        a.href = new URL(s.location, typeof __md_scope !== "undefined" ? __md_scope : location).href
        a.textContent = s.title
        box.appendChild(a)
      })
    }
    if (box.childNodes.length) meta.parentNode.insertBefore(box, meta.nextSibling)
  }

  function Wrapped(url, options) {
    var worker = new Base(url, options)
    worker.addEventListener("message", function (ev) {
      if (ev.data && ev.data.type === 3) show(ev.data.data)
    })
    return worker
  }
  Wrapped.prototype = Base.prototype
  window.Worker = Wrapped
  document.addEventListener("input", function (ev) {
    if (ev.target && ev.target.classList && ev.target.classList.contains("md-search__input") && !ev.target.value) clear()
  })
})()

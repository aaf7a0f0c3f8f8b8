/* The compare page: the records named in ?ids=… (or, without it, the reader's selection) side by
   side. compare/data/head.js (kbCompareHead) says how many pieces the records are in; the page adds
   only the pieces holding the records it shows, compare/data/<n>.js, each calling kbCompare(n,
   records) (generator/compare.py): <script> elements, not fetch, so it works from file://. */
(function () {
  "use strict";
  var data = null;  // {max, pieces}, from head.js
  var root = document.getElementById("kb-compare");
  var script = document.currentScript;
  if (!root || !script) return;
  var base = script.src.replace(/assets\/javascripts\/kb-compare-page\.js(\?.*)?$/, "compare/data/");
  var records = {};  // id -> record, from the pieces loaded so far
  var SLUG = /^[a-z0-9][a-z0-9-]*$/;

  // FNV-1a (32 bits) of the id modulo the number of pieces, as generator/compare.py computes it
  // (ids are ASCII slugs: a character is a byte)
  function pieceOf(id) {
    var h = 0x811c9dc5;
    for (var i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
    return h % data.pieces;
  }
  window.kbCompare = function (n, piece) {
    Object.keys(piece).forEach(function (id) { records[id] = piece[id]; });
  };
  function add(name, done) {
    var tag = document.createElement("script");
    tag.src = base + name + ".js";
    tag.onload = tag.onerror = done;
    document.head.appendChild(tag);
  }
  // the pieces holding `ids`, then `done`; a piece that fails to load leaves its records out
  function fetchRecords(ids, done) {
    var wanted = {};
    ids.forEach(function (id) { if (SLUG.test(id) && !records[id]) wanted[pieceOf(id)] = true; });
    var pending = Object.keys(wanted), left = pending.length;
    if (!left) done();
    pending.forEach(function (n) { add(n, function () { if (--left === 0) done(); }); });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function fromAddress() {
    var m = /[?&]ids=([^&#]*)/.exec(location.search);
    if (!m) return null;
    return decodeURIComponent(m[1]).split(",").filter(Boolean).slice(0, data.max);
  }
  function keep(ids) {
    try { localStorage.setItem("kb-compare", JSON.stringify(ids)); } catch (e) { /* this page only */ }
    if (window.KB_COMPARE_SET) window.KB_COMPARE_SET(ids);
  }
  function stored() {
    try { return JSON.parse(localStorage.getItem("kb-compare") || "[]"); } catch (e) { return []; }
  }
  function list(items, render) {
    if (!items.length) return el("span", "kb-compare__none", "—");
    var ul = el("ul");
    items.forEach(function (item) { ul.appendChild(render(item)); });
    return ul;
  }
  function number(f) {
    return f.numbers ? "（" + f.numbers + "）" : "";
  }

  var ROWS = [
    ["地区", function (r) { return document.createTextNode(r.region); }],
    ["层级", function (r) { return document.createTextNode(r.level); }],
    ["类型", function (r) { return document.createTextNode(r.kind); }],
    ["年份", function (r) { return document.createTextNode(r.year ? r.year + "年" : "原文未写明"); }],
    ["治理模式", function (r) { return document.createTextNode(r.models.join("、")); }],
    ["摘要", function (r) { return document.createTextNode(r.summary); }],
    ["主要做法", function (r) {
      return list(r.measures, function (m) {
        var li = el("li");
        var details = el("details");
        details.appendChild(el("summary", null, m.title));
        details.appendChild(el("p", null, m.text));
        li.appendChild(details);
        return li;
      });
    }],
    ["覆盖范围", function (r) {
      return list(r.figures.filter(function (f) { return f.group === "覆盖范围"; }),
                  function (f) { return el("li", null, f.statement + number(f)); });
    }],
    ["成效", function (r) {
      return list(r.figures.filter(function (f) { return f.group === "成效"; }),
                  function (f) { return el("li", null, f.statement + number(f)); });
    }],
    ["适用条件", function (r) { return list(r.conditions, function (t) { return el("li", null, t); }); }],
    ["关键要点", function (r) { return list(r.key_points, function (t) { return el("li", null, t); }); }],
    ["出处", function (r) {
      return list(r.sources, function (s) {
        return el("li", null, s.text);  // the address, when there is one, is part of the text
      });
    }],
  ];

  function render(ids) {
    root.textContent = "";
    if (ids.length < 2) {
      root.appendChild(el("p", "kb-compare__empty",
        ids.length ? "已选 1 条记录，请再选 1 至 3 条。" : "尚未选择记录。请在记录列表中勾选“对比”，或在记录页面按“加入对比”。"));
      if (!ids.length) return;
    }
    var tools = el("p", "kb-compare__tools");
    var share = el("a", "kb-compare__share", "本对比的网址");
    share.href = "?ids=" + ids.join(",");
    tools.appendChild(share);
    var print = el("button", "kb-compare__print", "打印（A4 横向）");
    print.type = "button";
    print.addEventListener("click", function () { window.print(); });
    tools.appendChild(document.createTextNode(" · "));
    tools.appendChild(print);
    root.appendChild(tools);
    var wrap = el("div", "kb-compare__scroll");
    var table = el("table", "kb-compare__table");
    var head = el("thead");
    var tr = el("tr");
    tr.appendChild(el("th", null, "记录"));
    ids.forEach(function (id) {
      var r = records[id];
      var th = el("th");
      th.setAttribute("scope", "col");
      th.setAttribute("data-id", id);
      var a = el("a", null, r.title);
      a.href = r.url;
      th.appendChild(a);
      var remove = el("button", "kb-compare__remove", "移除");
      remove.type = "button";
      remove.setAttribute("aria-label", "移除：" + r.title);
      remove.addEventListener("click", function () {
        var rest = ids.filter(function (x) { return x !== id; });
        keep(rest);
        history.replaceState(null, "", "?ids=" + rest.join(","));
        render(rest);
      });
      th.appendChild(remove);
      tr.appendChild(th);
    });
    head.appendChild(tr);
    table.appendChild(head);
    var body = el("tbody");
    ROWS.forEach(function (row) {
      var line = el("tr");
      var th = el("th", null, row[0]);
      th.setAttribute("scope", "row");
      line.appendChild(th);
      ids.forEach(function (id) {
        var td = el("td");
        td.appendChild(row[1](records[id]));
        line.appendChild(td);
      });
      body.appendChild(line);
    });
    table.appendChild(body);
    wrap.appendChild(table);
    root.appendChild(wrap);
  }

  var sheet = document.createElement("link");  // A4 landscape when printed (style-src 'self': a file, not inline)
  sheet.rel = "stylesheet";
  sheet.href = "../assets/kb-landscape.css";
  document.head.appendChild(sheet);

  window.kbCompareHead = function (head) { data = head; };
  add("head", function () {
    if (!data) { root.textContent = "对比数据未能载入，请刷新页面。"; return; }
    var asked = fromAddress(), chosen = asked || (Array.isArray(stored()) ? stored() : []).slice(0, data.max);
    fetchRecords(chosen, function () {
      var ids = chosen.filter(function (id) { return records[id]; });
      if (asked) keep(ids);
      else if (ids.length) history.replaceState(null, "", "?ids=" + ids.join(","));
      render(ids);
    });
  });
})();

/* 筛选浏览:按治理模式、类型、地区、层级、年份和标签组合筛选。
   Data comes in pieces, browse/data/<n>.js, each calling kbBrowse(n, piece) (generator/browse.py):
   added as <script> elements, not fetched, so this works offline and from file://. Piece 0 holds the
   facets and the newest records, so results show at once; the rest arrive one after another while
   the reader already filters (counts and results follow as they arrive).
   Record text is only ever set with textContent, never parsed as HTML. */
(function () {
  "use strict";

  var script = document.currentScript;
  var base = (script ? script.src.replace(/assets\/javascripts\/kb-browse\.js(\?.*)?$/, "") : "../") + "browse/data/";
  var PAGE = 50;  // results shown at once; 显示更多 shows as many again
  var collator = window.Intl && Intl.Collator ? new Intl.Collator("zh") : { compare: function (a, b) { return a.localeCompare(b, "zh"); } };

  var data = null;     // piece 0 without its rows: facets (values, names, counts over the whole catalogue), total, pieces
  var labels = {};     // facet key -> value id -> label
  var records = [];    // every row received so far, newest first
  var failed = false;  // a piece did not load
  var view = null;     // the page, once piece 0 is in

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function readState(facets) {
    // the state is kept in the fragment; a listing's link to all its records sets it in the query
    var params = new URLSearchParams(location.hash.replace(/^#/, "") || location.search.replace(/^\?/, ""));
    var state = { q: params.get("q") || "", sort: params.get("sort") || "added", selected: {} };
    facets.forEach(function (f) {
      var raw = params.get(f.key);
      state.selected[f.key] = raw ? raw.split(",").filter(Boolean) : [];
    });
    return state;
  }

  function writeState(state, facets) {
    var params = new URLSearchParams();
    facets.forEach(function (f) {
      if (state.selected[f.key].length) params.set(f.key, state.selected[f.key].join(","));
    });
    if (state.q) params.set("q", state.q);
    if (state.sort !== "added") params.set("sort", state.sort);
    var hash = params.toString();
    history.replaceState(null, "", location.pathname + (hash ? "#" + hash : ""));
  }

  // A row is [id, title, summary, url, [[value index, …] per facet]]; the rest is read back from the
  // facets. Filters work on the indexes (`codes`), the page shows the ids' labels.
  function decode(row) {
    var facets = {};
    data.facets.forEach(function (f, k) {
      facets[f.key] = row[4][k].map(function (i) { return f.values[i]; });
    });
    var path = facets.region;
    var region = path.length ? labels.region[path[path.length - 1]] : "";
    var year = parseInt(facets.year[0], 10) || null;
    return {
      n: records.length, id: row[0], title: row[1], summary: row[2], url: row[3], facets: facets, codes: row[4],
      region: region, year: year, hay: [row[1], row[2], region].concat(facets.tag || []).join(" ").toLowerCase()
    };
  }

  // Title order is computed once per arrival of data, not on every comparison.
  var ranked = false;
  function rankTitles() {
    if (ranked) return;
    records.slice().sort(function (a, b) { return collator.compare(a.title, b.title); })
      .forEach(function (r, i) { r.titleRank = i; });
    ranked = true;
  }
  var SORTS = {
    added: function (a, b) { return a.n - b.n; },  // rows come newest first
    year: function (a, b) { return (b.year || 0) - (a.year || 0) || a.titleRank - b.titleRank; },
    title: function (a, b) { return a.titleRank - b.titleRank; }
  };

  function start(root) {
    var facets = data.facets, state = readState(facets), limit = PAGE;
    function name(key, v) { return labels[key][v] || v; }
    var side = el("div", { class: "kb-browse__facets", id: "kb-browse-facets", role: "region", "aria-label": "筛选条件" });
    var main = el("div", { class: "kb-browse__results" });
    var search = el("input", { type: "search", class: "kb-browse__q", placeholder: "在结果中查找：标题、摘要、地区、标签", "aria-label": "文字筛选" });
    var sort = el("select", { class: "kb-browse__sort", "aria-label": "排序" });
    [["added", "按收录时间"], ["year", "按年份（新到旧）"], ["title", "按标题"]].forEach(function (o) {
      sort.appendChild(el("option", { value: o[0] }, o[1]));
    });
    var open = el("button", { type: "button", class: "md-button kb-browse__open", "aria-controls": "kb-browse-facets", "aria-expanded": "false" }, "筛选");
    var close = el("button", { type: "button", class: "md-button md-button--primary kb-browse__close" }, "完成");
    var reset = el("button", { type: "button", class: "md-button kb-browse__reset" }, "清除筛选");
    var chips = el("div", { class: "kb-browse__chips", role: "group", "aria-label": "已选条件" });
    var count = el("p", { class: "kb-browse__count", "aria-live": "polite" });
    var list = el("ol", { class: "kb-browse__list" });
    var more = el("button", { type: "button", class: "md-button kb-browse__more" });
    var bar = el("div", { class: "kb-browse__bar" });
    var boxes = el("div");
    [search, sort, open, reset].forEach(function (n) { bar.appendChild(n); });
    [bar, chips, count, list, more].forEach(function (n) { main.appendChild(n); });
    side.appendChild(close);
    side.appendChild(boxes);
    root.textContent = "";
    root.appendChild(main);  // results first: on a phone the filters wait in a drawer
    root.appendChild(side);

    function drawer(show) {
      root.classList.toggle("kb-browse--drawer", show);
      open.setAttribute("aria-expanded", show ? "true" : "false");
      (show ? close : open).focus();
    }
    open.addEventListener("click", function () { drawer(true); });
    close.addEventListener("click", function () { drawer(false); });
    root.addEventListener("keydown", function (e) { if (e.key === "Escape" && root.classList.contains("kb-browse--drawer")) drawer(false); });

    function toggle(key, v) {
      var sel = state.selected[key], at = sel.indexOf(v);
      if (at === -1) sel.push(v); else sel.splice(at, 1);
      update();
    }

    // Every facet value's checkbox is made once, in a fixed order (most records in the whole
    // catalogue first; years newest first; regions as a tree), and then only updated and hidden
    // while it counts nothing: with hundreds of regions, making them anew on every click would cost
    // more than the filtering itself, and a list that does not reorder is easier to work through.
    var options = facets.map(function (f) {
      var byName = f.values.map(function (v, i) { return i; }).sort(function (a, b) {
        return f.key === "year" ? f.values[b].localeCompare(f.values[a])  // newest first; 未注明 sorts last
          : f.counts[b] - f.counts[a] || collator.compare(f.names[a], f.names[b]);
      });
      var box = el("fieldset", { class: "kb-browse__facet", "data-facet": f.key });
      box.appendChild(el("legend", {}, f.label));
      var made = f.values.map(function (v) {
        var o = { value: v, label: el("label"), input: el("input", { type: "checkbox", value: v }), n: el("span", { class: "kb-browse__n" }) };
        o.input.addEventListener("change", function () { toggle(f.key, v); });
        o.label.appendChild(o.input);
        o.label.appendChild(document.createTextNode(" " + name(f.key, v) + " "));
        o.label.appendChild(o.n);
        o.node = o.label;
        return o;
      });
      if (f.parents) {  // region values come as paths (province, city, county): their parents make the tree
        var lists = made.map(function () { return null; }), top = el("ul");
        byName.forEach(function (i) {
          var o = made[i], up = f.parents[i];
          o.node = el("li");
          o.node.appendChild(o.label);
          if (up !== -1 && !lists[up]) lists[up] = el("ul");
          (up === -1 ? top : lists[up]).appendChild(o.node);
        });
        made.forEach(function (o, i) { if (lists[i]) o.node.appendChild(lists[i]); });
        box.appendChild(top);
      } else {
        byName.forEach(function (i) { box.appendChild(made[i].node); });
      }
      boxes.appendChild(box);
      return made;
    });

    // One pass over the records: a record that fails no facet counts everywhere; one that fails
    // exactly one facet counts only in that facet (where the reader may still widen the choice).
    function tally() {
      var wanted = facets.map(function (f) {  // value index -> 1 when selected; null: no choice made
        if (!state.selected[f.key].length) return null;
        var set = new Uint8Array(f.values.length);
        f.values.forEach(function (v, i) { if (state.selected[f.key].indexOf(v) !== -1) set[i] = 1; });
        return set;
      });
      var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
      var tallies = facets.map(function (f) { return new Int32Array(f.values.length); }), shown = [];
      for (var j = 0; j < records.length; j++) {
        var r = records[j], codes = r.codes, miss = -1, k, i, ok = true;
        for (i = 0; i < words.length && ok; i++) ok = r.hay.indexOf(words[i]) !== -1;
        if (!ok) continue;
        for (k = 0; k < facets.length && miss !== -2; k++) {
          if (!wanted[k]) continue;
          var have = codes[k], hit = false;
          for (i = 0; i < have.length && !hit; i++) hit = wanted[k][have[i]] === 1;
          if (!hit) miss = miss === -1 ? k : -2;
        }
        if (miss === -2) continue;
        if (miss === -1) shown.push(r);
        for (k = 0; k < facets.length; k++) {
          if (miss !== -1 && miss !== k) continue;
          var vs = codes[k], t = tallies[k];
          for (i = 0; i < vs.length; i++) t[vs[i]]++;
        }
      }
      // until every piece is in, a facet's counts come from the whole catalogue when nothing else narrows them
      var partial = records.length < data.total && !words.length;
      var counts = facets.map(function (f, k) {
        var whole = partial && !facets.some(function (g, j) { return j !== k && wanted[j]; });
        var out = {};
        f.values.forEach(function (v, i) { var n = whole ? f.counts[i] : tallies[k][i]; if (n) out[v] = n; });
        return out;
      });
      return { counts: counts, shown: shown };
    }

    function render() {
      search.value = state.q;
      sort.value = state.sort;
      chips.textContent = "";
      var active = 0, result = tally();
      facets.forEach(function (f, k) {
        var counts = result.counts[k];
        state.selected[f.key].forEach(function (v) {
          counts[v] = counts[v] || 0;
          active++;
          var chip = el("button", { type: "button", class: "kb-browse__chip", "aria-label": "移除条件：" + f.label + " " + name(f.key, v) }, name(f.key, v) + " ×");
          chip.addEventListener("click", function () { toggle(f.key, v); });
          chips.appendChild(chip);
        });
        options[k].forEach(function (o) {
          var n = counts[o.value], text = "（" + (n || 0) + "）";
          o.input.checked = state.selected[f.key].indexOf(o.value) !== -1;
          if (o.n.textContent !== text) o.n.textContent = text;
          var display = n !== undefined ? "" : "none";
          if (o.node.style.display !== display) o.node.style.display = display;
        });
      });
      open.textContent = active ? "筛选（" + active + "）" : "筛选";
      var shown = result.shown;
      if (state.sort !== "added") rankTitles();
      shown.sort(SORTS[state.sort] || SORTS.added);
      var loading = records.length < data.total;
      root.setAttribute("aria-busy", loading && !failed ? "true" : "false");
      count.textContent = "共 " + shown.length + " 条记录" +
        (failed ? "（部分数据未能载入，请刷新页面）" : loading ? "（正在载入 " + records.length + "/" + data.total + "）" : "");
      list.textContent = "";
      shown.slice(0, limit).forEach(function (r) {
        var item = el("li", { class: "kb-browse__item", "data-id": r.id });
        var link = el("a", { href: r.url }, r.title);
        item.appendChild(link);
        var meta = [name("kind", r.facets.kind[0]), r.facets.region.map(function (v) { return name("region", v); }).join("")].concat(r.year ? [r.year + "年"] : []).join(" · ");
        item.appendChild(el("span", { class: "kb-meta" }, meta));
        item.appendChild(el("p", {}, r.summary));
        list.appendChild(item);
      });
      more.style.display = shown.length > limit ? "" : "none";  // .md-button's display would beat [hidden]
      more.textContent = "显示更多（还有 " + (shown.length - limit) + " 条）";
    }

    function update() { limit = PAGE; writeState(state, facets); render(); }

    search.addEventListener("input", function () { state.q = search.value.trim(); update(); });
    sort.addEventListener("change", function () { state.sort = sort.value; update(); });
    reset.addEventListener("click", function () {
      facets.forEach(function (f) { state.selected[f.key] = []; });
      state.q = "";
      update();
    });
    more.addEventListener("click", function () { limit += PAGE; render(); });
    window.addEventListener("hashchange", function () { state = readState(facets); limit = PAGE; render(); });
    render();
    return { render: render };
  }

  window.kbBrowse = function (n, piece) {
    if (n === 0) {
      data = piece;
      data.facets.forEach(function (f) {
        labels[f.key] = {};
        f.values.forEach(function (v, i) { labels[f.key][v] = f.names[i]; });
      });
    }
    if (!data || failed) return;
    if (piece.build !== data.build) failed = true;  // published anew while loading: the reader reloads
    else piece.rows.forEach(function (row) { records.push(decode(row)); });
    ranked = false;
    var root = document.getElementById("kb-browse");
    if (!view && root) view = start(root);
    else if (view) view.render();
  };

  // one piece after another, in order: rows keep the default order, and the page stays responsive.
  // The rest waits for the page's load event, which then marks when the first results are there.
  function load(n) {
    var tag = document.createElement("script");
    tag.src = base + n + ".js";
    tag.onload = function () {
      if (!data || failed || n + 1 >= data.pieces) return;
      if (document.readyState === "complete") load(n + 1);
      else window.addEventListener("load", function () { load(n + 1); });
    };
    tag.onerror = function () {
      failed = true;
      if (view) view.render();
      else document.getElementById("kb-browse").textContent = "筛选数据未能载入，请刷新页面。";
    };
    document.head.appendChild(tag);
  }

  function boot() {
    if (document.getElementById("kb-browse")) load(0);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();

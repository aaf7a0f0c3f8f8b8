/* 筛选浏览:按治理模式、类型、地区、层级、年份和标签组合筛选。
   Data comes from kb-browse-data.js (window.KB_BROWSE), so this works offline and from file://.
   Record text is only ever set with textContent, never parsed as HTML. */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function readState(facets) {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
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
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }

  function matches(record, state, facets, skipKey) {
    for (var i = 0; i < facets.length; i++) {
      var key = facets[i].key, wanted = state.selected[key];
      if (key === skipKey || !wanted.length) continue;
      var have = record.facets[key];
      if (!wanted.some(function (v) { return have.indexOf(v) !== -1; })) return false;
    }
    if (state.q) {
      var hay = [record.title, record.summary, record.region].concat(record.facets.tag || []).join(" ").toLowerCase();
      var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
      if (!words.every(function (w) { return hay.indexOf(w) !== -1; })) return false;
    }
    return true;
  }

  var SORTS = {
    added: function (a, b) { return (b.added + b.id).localeCompare(a.added + a.id); },
    year: function (a, b) { return (b.year || 0) - (a.year || 0) || a.title.localeCompare(b.title, "zh"); },
    title: function (a, b) { return a.title.localeCompare(b.title, "zh"); }
  };

  function start(root, data) {
    var facets = data.facets, records = data.records, state = readState(facets);
    // facet values are ids; what a reader sees is the label beside them
    function name(key, v) { return (data.labels[key] || {})[v] || v; }
    var side = el("div", { class: "kb-browse__facets" });
    var main = el("div", { class: "kb-browse__results" });
    var search = el("input", { type: "search", class: "kb-browse__q", placeholder: "在结果中筛选(标题、摘要、地区、标签)", "aria-label": "文字筛选" });
    var sort = el("select", { class: "kb-browse__sort", "aria-label": "排序" });
    [["added", "按收录时间"], ["year", "按年份(新到旧)"], ["title", "按标题"]].forEach(function (o) {
      sort.appendChild(el("option", { value: o[0] }, o[1]));
    });
    var reset = el("button", { type: "button", class: "md-button kb-browse__reset" }, "清除筛选");
    var count = el("p", { class: "kb-browse__count", "aria-live": "polite" });
    var list = el("ol", { class: "kb-browse__list" });
    var bar = el("div", { class: "kb-browse__bar" });
    [search, sort, reset].forEach(function (n) { bar.appendChild(n); });
    [bar, count, list].forEach(function (n) { main.appendChild(n); });
    root.textContent = "";
    root.appendChild(side);
    root.appendChild(main);

    function render() {
      search.value = state.q;
      sort.value = state.sort;
      side.textContent = "";
      facets.forEach(function (f) {
        var counts = {};
        records.forEach(function (r) {
          if (!matches(r, state, facets, f.key)) return;
          r.facets[f.key].forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
        });
        state.selected[f.key].forEach(function (v) { counts[v] = counts[v] || 0; });
        var values = Object.keys(counts).sort(f.key === "year"
          ? function (a, b) { return b.localeCompare(a); }  // newest first; 未注明 sorts last
          : function (a, b) { return counts[b] - counts[a] || name(f.key, a).localeCompare(name(f.key, b), "zh"); });
        var box = el("fieldset", { class: "kb-browse__facet", "data-facet": f.key });
        box.appendChild(el("legend", {}, f.label));
        values.forEach(function (v) {
          var label = el("label");
          var input = el("input", { type: "checkbox", value: v });
          input.checked = state.selected[f.key].indexOf(v) !== -1;
          input.addEventListener("change", function () {
            var sel = state.selected[f.key];
            if (input.checked) sel.push(v); else sel.splice(sel.indexOf(v), 1);
            update();
          });
          label.appendChild(input);
          label.appendChild(document.createTextNode(" " + name(f.key, v) + " "));
          label.appendChild(el("span", { class: "kb-browse__n" }, "(" + counts[v] + ")"));
          box.appendChild(label);
        });
        side.appendChild(box);
      });
      var shown = records.filter(function (r) { return matches(r, state, facets, null); });
      shown.sort(SORTS[state.sort] || SORTS.added);
      count.textContent = "共 " + shown.length + " 条记录";
      list.textContent = "";
      shown.forEach(function (r) {
        var item = el("li", { class: "kb-browse__item", "data-id": r.id });
        var link = el("a", { href: r.url }, r.title);
        item.appendChild(link);
        var meta = [name("kind", r.facets.kind[0]), r.region].concat(r.year ? [r.year + "年"] : []).join(" · ");
        item.appendChild(el("span", { class: "kb-meta" }, meta));
        item.appendChild(el("p", {}, r.summary));
        list.appendChild(item);
      });
    }

    function update() { writeState(state, facets); render(); }

    search.addEventListener("input", function () { state.q = search.value.trim(); update(); });
    sort.addEventListener("change", function () { state.sort = sort.value; update(); });
    reset.addEventListener("click", function () {
      facets.forEach(function (f) { state.selected[f.key] = []; });
      state.q = "";
      update();
    });
    window.addEventListener("hashchange", function () { state = readState(facets); render(); });
    render();
  }

  function boot() {
    var root = document.getElementById("kb-browse");
    if (root && window.KB_BROWSE) start(root, window.KB_BROWSE);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();

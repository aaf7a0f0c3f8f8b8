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
    var bar = el("div", { class: "kb-browse__bar" });
    var boxes = el("div");
    [search, sort, open, reset].forEach(function (n) { bar.appendChild(n); });
    [bar, chips, count, list].forEach(function (n) { main.appendChild(n); });
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

    // region values come as paths (province, city, county): their parents make the tree
    var parentOf = {};
    records.forEach(function (r) {
      var path = r.facets.region;
      for (var i = 1; i < path.length; i++) parentOf[path[i]] = path[i - 1];
    });

    function toggle(key, v) {
      var sel = state.selected[key], at = sel.indexOf(v);
      if (at === -1) sel.push(v); else sel.splice(at, 1);
      update();
    }

    function option(f, v, counts) {
      var label = el("label");
      var input = el("input", { type: "checkbox", value: v });
      input.checked = state.selected[f.key].indexOf(v) !== -1;
      input.addEventListener("change", function () { toggle(f.key, v); });
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + name(f.key, v) + " "));
      label.appendChild(el("span", { class: "kb-browse__n" }, "（" + counts[v] + "）"));
      return label;
    }

    function tree(f, values, counts, parent) {
      var ul = el("ul");
      values.filter(function (v) { return (parentOf[v] || null) === parent; }).forEach(function (v) {
        var li = el("li");
        li.appendChild(option(f, v, counts));
        var sub = tree(f, values, counts, v);
        if (sub.childNodes.length) li.appendChild(sub);
        ul.appendChild(li);
      });
      return ul;
    }

    function render() {
      search.value = state.q;
      sort.value = state.sort;
      boxes.textContent = "";
      chips.textContent = "";
      var active = 0;
      facets.forEach(function (f) {
        var counts = {};
        records.forEach(function (r) {
          if (!matches(r, state, facets, f.key)) return;
          r.facets[f.key].forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
        });
        state.selected[f.key].forEach(function (v) {
          counts[v] = counts[v] || 0;
          active++;
          var chip = el("button", { type: "button", class: "kb-browse__chip", "aria-label": "移除条件：" + f.label + " " + name(f.key, v) }, name(f.key, v) + " ×");
          chip.addEventListener("click", function () { toggle(f.key, v); });
          chips.appendChild(chip);
        });
        var values = Object.keys(counts).sort(f.key === "year"
          ? function (a, b) { return b.localeCompare(a); }  // newest first; 未注明 sorts last
          : function (a, b) { return counts[b] - counts[a] || name(f.key, a).localeCompare(name(f.key, b), "zh"); });
        var box = el("fieldset", { class: "kb-browse__facet", "data-facet": f.key });
        box.appendChild(el("legend", {}, f.label));
        if (f.key === "region") box.appendChild(tree(f, values, counts, null));
        else values.forEach(function (v) { box.appendChild(option(f, v, counts)); });
        boxes.appendChild(box);
      });
      open.textContent = active ? "筛选（" + active + "）" : "筛选";
      var shown = records.filter(function (r) { return matches(r, state, facets, null); });
      shown.sort(SORTS[state.sort] || SORTS.added);
      count.textContent = "共 " + shown.length + " 条记录";
      list.textContent = "";
      shown.forEach(function (r) {
        var item = el("li", { class: "kb-browse__item", "data-id": r.id });
        var link = el("a", { href: r.url }, r.title);
        item.appendChild(link);
        var meta = [name("kind", r.facets.kind[0]), r.facets.region.map(function (v) { return name("region", v); }).join("")].concat(r.year ? [r.year + "年"] : []).join(" · ");
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

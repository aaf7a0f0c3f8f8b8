/* The compare selection, on every page: a 对比 checkbox beside each listed record (lists, the
   browse page), 加入对比 on a record page, and a bar linking to /compare/?ids=… . The selection is
   kept in localStorage, so it survives navigation; the compare page puts it in the address.
   No inline script: CSP script-src 'self'. */
(function () {
  "use strict";
  var KEY = "kb-compare";
  var MAX = 4;
  var script = document.currentScript;
  var root = script ? script.src.replace(/assets\/javascripts\/kb-compare\.js(\?.*)?$/, "") : "";

  function load() {
    try {
      var ids = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(ids) ? ids.filter(function (id) { return /^[a-z0-9][a-z0-9-]*$/.test(id); }).slice(0, MAX) : [];
    } catch (e) { return []; }
  }
  function save(ids) {
    try { localStorage.setItem(KEY, JSON.stringify(ids)); } catch (e) { /* private mode: this page only */ }
    window.KB_COMPARE_SELECTION = ids;
    refresh();
  }
  function selection() { return window.KB_COMPARE_SELECTION || load(); }
  function compareUrl(ids) {
    var page = location.protocol === "file:" ? "compare/index.html" : "compare/";
    return root + page + "?ids=" + ids.join(",");
  }
  function toggle(id, on) {
    var ids = selection().filter(function (x) { return x !== id; });
    if (on) {
      if (ids.length >= MAX) { refresh(); return false; }
      ids.push(id);
    }
    save(ids);
    return true;
  }

  var bar;
  function refresh() {
    var ids = selection();
    var boxes = document.querySelectorAll("input.kb-compare-box");
    for (var i = 0; i < boxes.length; i++) {
      var on = ids.indexOf(boxes[i].value) >= 0;
      boxes[i].checked = on;
      boxes[i].disabled = !on && ids.length >= MAX;
    }
    var buttons = document.querySelectorAll("button.kb-compare-add[data-id]");
    for (i = 0; i < buttons.length; i++) {
      var chosen = ids.indexOf(buttons[i].getAttribute("data-id")) >= 0;
      buttons[i].hidden = false;
      buttons[i].textContent = chosen ? "移出对比" : "加入对比";
      buttons[i].setAttribute("aria-pressed", chosen ? "true" : "false");
      buttons[i].disabled = !chosen && ids.length >= MAX;
    }
    if (!bar) {
      bar = document.createElement("div");
      bar.className = "kb-compare-bar";
      bar.setAttribute("role", "region");
      bar.setAttribute("aria-label", "对比");
      document.body.appendChild(bar);
    }
    bar.hidden = ids.length === 0 || /\/compare\/(index\.html)?$/.test(location.pathname);
    bar.textContent = "";
    var link = document.createElement("a");
    link.className = "kb-compare-bar__go";
    link.href = compareUrl(ids);
    link.textContent = ids.length < 2 ? "已选 " + ids.length + " 条，再选 1 条即可对比" : "对比已选的 " + ids.length + " 条";
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "kb-compare-bar__clear";
    clear.textContent = "清空";
    clear.addEventListener("click", function () { save([]); });
    bar.appendChild(link);
    bar.appendChild(clear);
  }

  function addBox(item) {
    if (item.querySelector("input.kb-compare-box")) return;
    var id = item.getAttribute("data-id");
    var link = item.matches("a") ? item : item.querySelector("a");
    if (!id || !link) return;
    var label = document.createElement("label");
    label.className = "kb-compare-pick";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.className = "kb-compare-box";
    box.value = id;
    box.setAttribute("aria-label", "对比：" + link.textContent);
    box.addEventListener("change", function () { if (!toggle(id, box.checked)) box.checked = false; });
    label.appendChild(box);
    label.appendChild(document.createTextNode("对比"));
    if (item.matches("a")) item.parentNode.insertBefore(label, item.nextSibling);
    else item.appendChild(label);
  }
  function scan() {
    var items = document.querySelectorAll("article a.kb-record[data-id], .kb-browse__item[data-id]");
    for (var i = 0; i < items.length; i++) addBox(items[i]);
    refresh();
  }
  function setup() {
    var buttons = document.querySelectorAll("button.kb-compare-add[data-id]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function (event) {
        var id = event.currentTarget.getAttribute("data-id");
        toggle(id, selection().indexOf(id) < 0);
      });
    }
    scan();
    var browse = document.getElementById("kb-browse");
    if (browse && window.MutationObserver) {
      new MutationObserver(function () { scan(); }).observe(browse, { childList: true, subtree: true });
    }
  }
  window.KB_COMPARE_SET = save;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();

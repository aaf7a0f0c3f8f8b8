/* Citations on record pages: fill in this page's address and today's date (the access date that
   GB/T 7714 asks for), and copy a citation with its button. No inline script: CSP script-src 'self'. */
(function () {
  "use strict";
  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }
  function todayInChinese() {  // reading text: 2026年11月23日 (the citation keeps GB/T 7714's ISO date)
    var d = new Date();
    return d.getFullYear() + "年" + (d.getMonth() + 1) + "月" + d.getDate() + "日";
  }
  function copy(text, button) {
    function done(ok) {
      var label = button.textContent;
      button.textContent = ok ? "已复制" : "请手动复制";
      setTimeout(function () { button.textContent = label; }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallback(text)); });
    } else {
      done(fallback(text));
    }
  }
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  /* The briefing header on paper: site name, this page's address, the print date (hidden on screen). */
  function printHead(here) {
    var article = document.querySelector("article");
    if (!article || article.querySelector(".kb-print-head")) return;
    var head = document.createElement("div");
    head.className = "kb-print-head";
    var site = document.querySelector(".md-header__topic .md-ellipsis");
    var name = document.createElement("strong");
    name.textContent = site ? site.textContent.trim() : document.title.split(" - ").pop();
    head.appendChild(name);
    head.appendChild(document.createTextNode(" · " + here + " · 打印于 " + todayInChinese()));
    article.insertBefore(head, article.firstChild);
  }
  function setup() {
    var here = location.href.split("#")[0].split("?")[0];
    printHead(here);
    var i, nodes = document.querySelectorAll(".kb-cite__url");
    for (i = 0; i < nodes.length; i++) nodes[i].textContent = here;
    nodes = document.querySelectorAll(".kb-cite__today");
    for (i = 0; i < nodes.length; i++) nodes[i].textContent = today();
    var buttons = document.querySelectorAll("button.kb-copy[aria-controls]");
    for (i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (event) {
        var target = document.getElementById(event.currentTarget.getAttribute("aria-controls"));
        if (target) copy(target.textContent.replace(/\s+/g, " ").trim(), event.currentTarget);
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();

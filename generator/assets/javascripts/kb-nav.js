/* A record page is not in the menu (listing thousands of records there makes every page carry
   them all): mark its kind's page instead, so the reader sees where the record belongs. Works the
   same whichever engine built the site, over http and from file://. */
(function () {
  "use strict";
  function mark() {
    var here = location.href.split("#")[0].split("?")[0];
    // practices/<id>/ or practices/<id>.html → practices/ (or practices/index.html)
    var parent = new URL(here.replace(/\/$/, "").replace(/[^/]*$/, ""), location.href).href;
    var links = document.querySelectorAll(".md-nav--primary a.md-nav__link[href]");
    for (var i = 0; i < links.length; i++) {
      var target = links[i].href.replace(/index\.html$/, "");
      if (target !== parent || target === here.replace(/index\.html$/, "")) continue;
      if (!/\/(practices|policies|projects)\/$/.test(target)) continue;
      links[i].classList.add("md-nav__link--active");
      links[i].setAttribute("aria-current", "page");
      for (var item = links[i].closest(".md-nav__item"); item; item = item.parentElement.closest(".md-nav__item")) {
        item.classList.add("md-nav__item--active");
        var toggle = item.querySelector(":scope > .md-nav__toggle");
        if (toggle) toggle.checked = true;
      }
      return;
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
})();

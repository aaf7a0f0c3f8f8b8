/* Glossary links on touch screens: the first tap shows the definition (Material's tooltip, which
   opens on focus), a second tap on the same term follows the link. Mouse and keyboard are
   unchanged: hover and focus already show it. */
(function () {
  "use strict";
  var shown = null;
  document.addEventListener("touchstart", function () {}, { passive: true });
  document.addEventListener("click", function (event) {
    var term = event.target.closest && event.target.closest("a.kb-term");
    if (!term || !window.matchMedia("(hover: none)").matches) { shown = null; return; }
    if (shown !== term) {
      event.preventDefault();
      shown = term;
      term.focus();
    }
  }, true);
})();

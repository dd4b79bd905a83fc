/* reader_features: start Pagefind's component UI on the search page and run the query
   from ?q= (the header box and the plain form submit there). Without this script, or if
   the index is missing, the plain form and the list of sections stay in place. */
(function () {
  "use strict";
  var live = document.querySelector("[data-search-live]");
  if (!live || !window.PagefindComponents) {
    return;
  }
  var query = new URLSearchParams(window.location.search).get("q") || "";
  var plain = document.querySelector("[data-search-plain]");
  var nojs = document.querySelector("[data-search-nojs]");
  live.hidden = false;
  if (plain) { plain.hidden = true; }
  if (nojs) { nojs.hidden = true; }

  function run() {
    var input = live.querySelector("pagefind-input input");
    if (!input) {
      window.requestAnimationFrame(run);
      return;
    }
    if (query) {
      input.value = query;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    } else {
      input.focus();
    }
  }
  run();
}());

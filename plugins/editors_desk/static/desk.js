// editors_desk: optional client-side sorting. Without JavaScript the table stays sorted by
// the build (worst problems first). Turns each sortable column heading into a button and
// keeps aria-sort on the heading in step. Same-origin, no dependencies.
(function () {
  "use strict";
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      var type = th.getAttribute("data-sort-type");
      if (!type) return;
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[index].getAttribute("data-sort") || "";
          var y = b.cells[index].getAttribute("data-sort") || "";
          var result = type === "number" ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
          return ascending ? result : -result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();

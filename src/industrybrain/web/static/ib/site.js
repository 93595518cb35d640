// Small screens (issue 13): the navigation folds behind a menu button, and each table cell
// learns its column's header so that the stylesheet can show a row as a card under 600 px.
// Without this script the navigation stays open and tables scroll inside their own box.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var header = document.querySelector("header.top");
  var toggle = document.getElementById("nav-toggle");
  if (header && toggle) {
    toggle.addEventListener("click", function () {
      var open = header.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function headerTexts(table) {
    var head = table.tHead && table.tHead.rows.length ? table.tHead.rows[table.tHead.rows.length - 1] : null;
    if (!head) return null;
    var texts = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i++) texts.push(cell.textContent.trim());
    });
    return texts;
  }

  // Tables marked "matrix" (districts x segments and the like) keep their grid and scroll.
  document.querySelectorAll("main table:not(.matrix)").forEach(function (table) {
    var texts = headerTexts(table);
    if (!texts) return;
    table.classList.add("cards");
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (texts[column] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", texts[column]);
          column += cell.colSpan || 1;
        });
      });
    });
  });
})();

// Keyboard shortcuts for the review pages. Served as a file: the CSP allows no inline script.
//   queue:    j / k move the selection, Enter or o opens it
//   proposal: j / k next / previous proposal, a / r / d pick the decision and focus the reason
(function () {
  "use strict";

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  function queueKeys(event) {
    var rows = Array.prototype.slice.call(document.querySelectorAll("table.queue tr[data-href]"));
    if (!rows.length) { return false; }
    var current = rows.findIndex(function (row) { return row.classList.contains("selected"); });
    if (event.key === "j" || event.key === "k") {
      var next = event.key === "j" ? Math.min(current + 1, rows.length - 1) : Math.max(current - 1, 0);
      rows.forEach(function (row) { row.classList.remove("selected"); });
      rows[next].classList.add("selected");
      rows[next].querySelector("a.open").focus();
      return true;
    }
    if ((event.key === "Enter" || event.key === "o") && current >= 0) {
      window.location.assign(rows[current].querySelector("a.open").getAttribute("href"));
      return true;
    }
    return false;
  }

  var DECISIONS = { a: "approved", r: "rejected", d: "deferred" };

  function proposalKeys(event) {
    if (event.key === "j" || event.key === "k") {
      var link = document.querySelector(event.key === "j" ? "a[rel=next]" : "a[rel=prev]");
      if (link) { window.location.assign(link.getAttribute("href")); }
      return true;
    }
    var decision = DECISIONS[event.key];
    if (!decision) { return false; }
    var radio = document.querySelector("#decision input[name=decision][value=" + decision + "]");
    if (!radio) { return false; }
    radio.checked = true;
    document.querySelector("#decision textarea[name=reason]").focus();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event.target)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    var page = document.body.getAttribute("data-page");
    var handled = page === "queue" ? queueKeys(event) : page === "proposal" && proposalKeys(event);
    if (handled) { event.preventDefault(); }
  });
})();

/* {{ site.brand }} front-end: lazy posters, player popups, ad refresh */
(function () {
  "use strict";
  var SITE = { name: "{{ site.brand }}", ga: "{{ site.ids.ga4 }}", ym: {{ site.ids.metrika }}, ads: "{{ site.ids.adsense }}" };
  function track(event, label) {
    if (window.gtag) { window.gtag("event", event, { event_label: label, send_to: SITE.ga }); }
    if (window.ym) { window.ym(SITE.ym, "reachGoal", event); }
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a") : null;
    if (!a) { return; }
    if (a.href.indexOf("magnet:") === 0) { track("magnet", a.href.slice(0, 60)); }
    else if (a.host && a.host !== location.host) { track("outbound", a.host); }
  });
  window.addEventListener("load", function () {
    var frames = document.querySelectorAll("iframe");
    for (var i = 0; i < frames.length; i++) { frames[i].setAttribute("loading", "lazy"); }
    track("page_view", location.pathname);
  });
  window.__site = SITE;
})();

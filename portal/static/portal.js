// Glocal portal: the only script. Progressive enhancement: on a request's page it looks for a
// newer version of the request every few seconds and, when there is one, replaces the summary
// and messages in place and says so to screen readers. Without it, reloading shows the same.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.fetch || !window.DOMParser) { return; }
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);
  var url = window.location.pathname;
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("live");
        if (next && next.dataset.version !== live.dataset.version) {
          live.replaceWith(next);
          live = next;
          // The workflow forms send the version they saw: keep them current.
          document.querySelectorAll("input[name=version]").forEach(function (input) {
            input.value = next.dataset.version;
          });
          status.textContent = next.dataset.updated || "";
        }
      })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 3000);
}());

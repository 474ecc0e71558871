// Glocal portal: the only script. Progressive enhancement: on a request's page it listens for
// new versions of the request on the portal's WebSocket (`<page>/live`, which relays the
// gateway's `serviceRequestUpdated` subscription) and, when one comes, reads the page again and
// replaces the summary and messages in place, saying so to screen readers. When the socket
// cannot open or closes, it looks for a newer version every few seconds instead. Without it,
// reloading shows the same.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.fetch || !window.DOMParser) { return; }
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);
  var url = window.location.pathname;
  var polling = false;
  function refresh() {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
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
      .catch(function () {});
  }
  function poll() {
    if (polling) { return; }
    polling = true;
    document.body.dataset.live = "polling";
    (function again() {
      refresh().then(function () { window.setTimeout(again, 3000); });
    }());
  }
  if (!window.WebSocket) { poll(); return; }
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var socket;
  try {
    socket = new WebSocket(scheme + window.location.host + url + "/live");
  } catch (e) {
    poll();
    return;
  }
  socket.onopen = function () {
    document.body.dataset.live = "socket";
    // What changed between this page's rendering and the subscription: read it once.
    refresh();
  };
  socket.onmessage = function (event) {
    if (event.data !== live.dataset.version) { refresh(); }
  };
  socket.onclose = function () { poll(); };
}());

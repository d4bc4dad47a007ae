"use strict";
var ports = [];
var lastError = null;
var source = new EventSource("/__fieldbook/events");
["reload", "build-error", "ok"].forEach(function (type) {
  source.addEventListener(type, function (e) {
    var msg = { type: type, data: e.data };
    lastError = type === "build-error" ? msg : null;
    ports.forEach(function (p) { p.postMessage(msg); });
  });
});
onconnect = function (e) {
  var port = e.ports[0];
  ports.push(port);
  port.onmessage = function (m) {
    if (m.data === "bye") ports = ports.filter(function (p) { return p !== port; });
  };
  if (lastError) port.postMessage(lastError);
  port.start();
};

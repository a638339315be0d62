// The booking page shows times in the zone chosen above them; on a first visit
// (no ?tz= yet) that is the zone this browser is set to.
(function () {
  "use strict";
  var select = document.getElementById("id_tz");
  var params = new URLSearchParams(window.location.search);
  if (!select || params.has("tz") || !window.Intl) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === select.value) return;
  var known = Array.prototype.some.call(select.options, function (option) {
    return option.value === zone;
  });
  if (!known) return;
  params.set("tz", zone);
  window.location.replace(window.location.pathname + "?" + params.toString());
})();

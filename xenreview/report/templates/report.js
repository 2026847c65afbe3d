/* xenreview HTML report: filters by severity, rule and suppression.
 * The page reads the same without this script; it only hides findings.
 * State in the URL: #severity=error,warning&rule=ARM001&suppressed=0
 * (or the same as a query string).  Script errors are counted on <body>
 * (data-script-errors) and data-script-ready is set once it has run. */
(function () {
  "use strict";
  var body = document.body;
  var errors = 0;
  window.addEventListener("error", function () {
    errors += 1;
    body.setAttribute("data-script-errors", String(errors));
  });
  var form = document.getElementById("filters");
  var count = document.getElementById("filter-count");
  var boxes = form ? Array.prototype.slice.call(form.querySelectorAll("input[name=severity]")) : [];
  var rule = form ? form.querySelector("select[name=rule]") : null;
  var suppressed = form ? form.querySelector("input[name=suppressed]") : null;
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-severity][data-rule]"));
  var KEYS = ["severity", "rule", "suppressed"];

  function fromUrl() {
    var hash = location.hash.slice(1);
    var raw = hash.indexOf("=") >= 0 ? hash : location.search.slice(1);
    var params = new URLSearchParams(raw);
    return KEYS.some(function (k) { return params.has(k); }) ? params : null;
  }

  function load(params) {
    if (params.has("severity")) {
      var wanted = params.get("severity").split(",");
      boxes.forEach(function (box) { box.checked = wanted.indexOf(box.value) >= 0; });
    }
    if (params.has("rule") && rule) {
      var code = params.get("rule");
      var known = Array.prototype.some.call(rule.options, function (o) { return o.value === code; });
      rule.value = known ? code : "";
    }
    if (params.has("suppressed") && suppressed) {
      suppressed.checked = params.get("suppressed") !== "0";
    }
  }

  function state() {
    var params = new URLSearchParams();
    params.set("severity", boxes.filter(function (b) { return b.checked; })
      .map(function (b) { return b.value; }).join(","));
    if (rule && rule.value) { params.set("rule", rule.value); }
    if (suppressed && !suppressed.checked) { params.set("suppressed", "0"); }
    return params;
  }

  function save() {
    var params = state();
    try {
      history.replaceState(null, "", "#" + params.toString());
    } catch (e) {
      /* some browsers refuse to change the URL of a local file: the filters still work */
    }
  }

  function apply() {
    var severities = {};
    boxes.forEach(function (box) { severities[box.value] = box.checked; });
    var code = rule ? rule.value : "";
    var showSuppressed = suppressed ? suppressed.checked : true;
    var shown = 0;
    var total = 0;
    items.forEach(function (el) {
      var ok = severities[el.getAttribute("data-severity")] === true &&
        (!code || el.getAttribute("data-rule") === code) &&
        (showSuppressed || el.getAttribute("data-suppressed") !== "1");
      el.hidden = !ok;
      if (el.classList.contains("finding")) {
        total += 1;
        if (ok) { shown += 1; }
        var row = el.closest("tr.finding-row");
        if (row) { row.hidden = !ok; }
      }
    });
    var visible = items.filter(function (el) {
      return el.classList.contains("finding") && el.getClientRects().length > 0;
    }).length;
    body.setAttribute("data-filter", state().toString());
    body.setAttribute("data-findings-shown", String(shown));
    body.setAttribute("data-findings-visible", String(visible));
    if (count) { count.textContent = shown + " of " + total + " findings shown"; }
  }

  if (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("change", function () { apply(); save(); });
    window.addEventListener("hashchange", function () {
      var params = fromUrl();
      if (params) { load(params); apply(); }
    });
    var initial = fromUrl();
    if (initial) { load(initial); }
    form.hidden = false;
  }
  apply();
  body.setAttribute("data-script-ready", "1");
}());

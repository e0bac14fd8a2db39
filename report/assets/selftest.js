// Self-test, run only when the page is opened as report.html#selftest (test/e2e/html_test.sh).
// It drives the real controls (a status filter, the language switch), checks that the page made
// no network request and logged no error, and writes the outcome as JSON into
// <pre id="selftest-result">. It changes nothing when the hash is absent.
(function () {
  'use strict';
  if (!/(^#|&)selftest\b/.test(location.hash)) return;
  var started = performance.now();
  var result = { ok: true, checks: {}, failures: [] };
  function check(name, ok, detail) {
    result.checks[name] = { ok: !!ok, detail: detail === undefined ? null : detail };
    if (!ok) { result.ok = false; result.failures.push(name); }
  }
  function fire(elem, type) {
    var ev = document.createEvent('HTMLEvents');
    ev.initEvent(type, true, true);
    elem.dispatchEvent(ev);
  }
  try {
    var K = window.kpatrol;
    check('rendered', !!K && !!document.getElementById('scores'), null);
    var D = K.data;
    result.findings = D.findings.length;

    // 1. The status filter shows only rows of that status, as many as the data holds.
    var counts = K.statuses.map(function () { return 0; });
    D.findings.forEach(function (f) { counts[f[2]]++; });
    var pick = counts[2] ? 2 : counts[1] ? 1 : counts.findIndex(function (c) { return c > 0; });
    if (pick >= 0) {
      var sel = document.getElementById('filter-status');
      sel.value = String(pick);
      fire(sel, 'change');
      var rows = document.querySelectorAll('#findings-table tbody tr.row');
      var wrong = Array.prototype.filter.call(rows, function (r) {
        return r.getAttribute('data-status') !== K.statuses[pick];
      }).length;
      var expected = Math.min(counts[pick], K.pageSize);
      check('filter_status', rows.length === expected && wrong === 0,
        { status: K.statuses[pick], rows: rows.length, expected: expected, wrong: wrong,
          matched: K.filtered().length, in_data: counts[pick] });
      // Searching for one subject of that status narrows further and still matches it.
      var subject = D.findings[K.filtered()[0]][1];
      K.setFilter({ q: subject });
      var hits = K.filtered();
      check('filter_search', hits.length >= 1 && hits.every(function (i) {
        return D.findings[i][2] === pick;
      }), { q: subject, matched: hits.length });
      document.getElementById('filter-clear').click();
      check('filter_clear', K.filtered().length === D.findings.length &&
        document.querySelectorAll('#findings-table tbody tr.row').length ===
        Math.min(D.findings.length, K.pageSize), { matched: K.filtered().length });
    }

    // 2. The language switch changes the headings and back.
    var first = K.state.lang, other = first === 'zh' ? 'en' : 'zh';
    document.getElementById('lang-switch').click();
    var h = document.getElementById('h-findings').textContent;
    var h2 = document.getElementById('h-scores').textContent;
    check('lang_switch', K.state.lang === other && h === window.KP_I18N[other].findings &&
      h2 === window.KP_I18N[other].scores, { lang: K.state.lang, heading: h });
    document.getElementById('lang-switch').click();
    h = document.getElementById('h-findings').textContent;
    check('lang_switch_back', K.state.lang === first && h === window.KP_I18N[first].findings,
      { lang: K.state.lang, heading: h });
    result.lang = K.state.lang;

    // 3. No network: nothing fetched, nothing blocked by the CSP, no image element (e.g. injected).
    var resources = performance.getEntriesByType('resource').length;
    check('no_network', resources === 0 && window.__kpatrolProbe.blocked.length === 0,
      { resources: resources, blocked: window.__kpatrolProbe.blocked });
    check('no_images', document.images.length === 0, { images: document.images.length });
  } catch (e) {
    check('exception', false, String(e && e.stack || e));
  }
  // 4. No script error and no console.error since the page started.
  var errors = window.__kpatrolProbe.errors;
  check('no_console_errors', errors.length === 0, { count: errors.length, first: errors.slice(0, 3) });
  result.ms = Math.round(performance.now() - started);
  result.load_ms = Math.round(performance.now());
  var out = document.getElementById('selftest-result');
  out.textContent = JSON.stringify(result);
  out.setAttribute('data-ok', result.ok ? 'true' : 'false');
})();

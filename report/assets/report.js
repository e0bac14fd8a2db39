// The kpatrol HTML report. Reads the scan from <script id="kpatrol-data"> and builds the page.
// Safety rule: text from the scan only ever reaches the page through textContent, attribute
// values set with setAttribute, or SVG <title> text — never through innerHTML.
(function () {
  'use strict';

  var D = JSON.parse(document.getElementById('kpatrol-data').textContent);
  var I18N = window.KP_I18N;
  var STATUSES = ['pass', 'warn', 'fail', 'error', 'na', 'manual', 'waived'];
  var SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
  // Finding arrays: see report/html_report.cpp.
  var F_RULE = 0, F_SUBJECT = 1, F_STATUS = 2, F_SEVERITY = 3, F_MESSAGE = 4, F_EVIDENCE = 5,
    F_WAIVER = 6, F_SCOPE = 7, F_ID = 8, F_MESSAGE_ZH = 9;
  var PAGE = 100;
  // Problems first in listings: fail, warn, error, manual, waived, na, pass.
  var STATUS_RANK = [6, 1, 0, 2, 5, 3, 4];
  var STATUS_SYMBOL = ['✓', '!', '✗', '?', '–', '☐', '⊘'];

  var findings = D.findings;
  var rules = D.rules;
  var N = findings.length;

  var state = {
    lang: D.lang === 'zh' ? 'zh' : 'en',
    q: '', status: '', severity: '', baseline: '', ns: '', node: '',
    pages: { findings: 0, todo: 0, changes: 0, matrix: 0 },
    expanded: {},
    matrixSelected: -1
  };

  // ---------------------------------------------------------------------------------------------
  // Derived data, computed once.

  var ruleIndexById = {};
  var ruleBaselines = rules.map(function (r, i) {
    ruleIndexById[r.id] = i;
    return Object.keys(r.baselines || {});
  });
  var fNamespace = new Array(N);
  var fNode = new Array(N);
  var namespaceSet = {}, nodeSet = {}, baselineSet = {};
  ruleBaselines.forEach(function (keys) { keys.forEach(function (k) { baselineSet[k] = 1; }); });
  for (var i = 0; i < N; i++) {
    var subject = findings[i][F_SUBJECT];
    var slash = subject.indexOf('/');
    var kind = slash < 0 ? subject : subject.slice(0, slash);
    var rest = slash < 0 ? '' : subject.slice(slash + 1);
    var ns = '', node = '';
    if (kind === 'node') {
      node = rest;
    } else if (kind === 'namespace') {
      ns = rest;
    } else if (rest.indexOf('/') > 0) {
      ns = rest.slice(0, rest.indexOf('/'));
    }
    fNamespace[i] = ns;
    fNode[i] = node;
    if (ns) namespaceSet[ns] = 1;
    if (node) nodeSet[node] = 1;
  }
  var namespaces = Object.keys(namespaceSet).sort();
  var nodes = Object.keys(nodeSet).sort();
  var baselines = Object.keys(baselineSet).sort();

  // All findings, problems first, then by severity, then in evaluation order.
  var ordered = new Array(N);
  for (i = 0; i < N; i++) ordered[i] = i;
  ordered.sort(function (a, b) {
    var fa = findings[a], fb = findings[b];
    return (STATUS_RANK[fa[F_STATUS]] - STATUS_RANK[fb[F_STATUS]]) ||
      (fa[F_SEVERITY] - fb[F_SEVERITY]) || (a - b);
  });
  // To do: fail and warn, most severe first, fail before warn, then by rule and subject.
  var todo = [];
  for (i = 0; i < N; i++) {
    var st = findings[i][F_STATUS];
    if (st === 1 || st === 2) todo.push(i);
  }
  todo.sort(function (a, b) {
    var fa = findings[a], fb = findings[b];
    return (fa[F_SEVERITY] - fb[F_SEVERITY]) || (fb[F_STATUS] - fa[F_STATUS]) ||
      cmp(rules[fa[F_RULE]].id, rules[fb[F_RULE]].id) || cmp(fa[F_SUBJECT], fb[F_SUBJECT]);
  });
  var searchText = null;  // built on the first search

  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  // ---------------------------------------------------------------------------------------------
  // Small helpers.

  function t(key, vars) {
    var s = I18N[state.lang][key];
    if (s === undefined) s = I18N.en[key] !== undefined ? I18N.en[key] : key;
    if (vars) {
      s = s.replace(/\{(\w+)\}/g, function (m, name) {
        return vars[name] !== undefined ? String(vars[name]) : m;
      });
    }
    return s;
  }
  function bi(obj) {
    if (!obj) return '';
    var other = state.lang === 'zh' ? 'en' : 'zh';
    return obj[state.lang] || obj[other] || '';
  }
  // A finding's message in the current language; Chinese falls back to English.
  function msg(f) {
    return (state.lang === 'zh' && f[F_MESSAGE_ZH]) ? f[F_MESSAGE_ZH] : f[F_MESSAGE];
  }
  // el('div', {class: 'x', title: '...'}, [children]): children are nodes or plain text.
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v === true ? '' : String(v));
      });
    }
    if (children !== undefined && children !== null) append(e, children);
    return e;
  }
  function append(parent, children) {
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (c) {
      if (c === undefined || c === null || c === false) return;
      parent.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    });
    return parent;
  }
  var SVG_NS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    return e;
  }
  function statusLabel(s) { return t('status_' + STATUSES[s]); }
  function severityLabel(s) { return t('sev_' + SEVERITIES[s]); }
  function statusBadge(s) {
    return el('span', { class: 'badge st-' + STATUSES[s] }, [
      el('span', { class: 'sym', 'aria-hidden': 'true', text: STATUS_SYMBOL[s] }), statusLabel(s)]);
  }
  function severityBadge(s) {
    return el('span', { class: 'sev sev-' + SEVERITIES[s], text: severityLabel(s) });
  }
  function fmtScore(score) { return score === null || score === undefined ? '–' : score.toFixed(1); }
  function gradeClass(grade) { return 'grade grade-' + (/^[A-F]$/.test(grade) ? grade : 'none'); }
  function fmtTime(iso) {
    if (!iso) return '–';
    var d = new Date(iso);
    if (isNaN(d.getTime())) return iso;
    var p = function (n) { return (n < 10 ? '0' : '') + n; };
    var off = -d.getTimezoneOffset();
    var zone = 'UTC' + (off === 0 ? '' : (off > 0 ? '+' : '-') + Math.floor(Math.abs(off) / 60) +
      (Math.abs(off) % 60 ? ':' + p(Math.abs(off) % 60) : ''));
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' ' +
      p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds()) + ' ' + zone;
  }
  function fmtDuration(from, to) {
    var a = Date.parse(from), b = Date.parse(to);
    if (isNaN(a) || isNaN(b) || b < a) return '–';
    var s = (b - a) / 1000;
    if (s < 1) return '< 1 s';
    if (s < 60) return s.toFixed(s < 10 ? 2 : 1) + ' s';
    var m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + Math.round(s - m * 60) + ' s';
    return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
  }
  function section(id, titleKey, hintKey) {
    var s = el('section', { id: id, class: 'card' });
    s.appendChild(el('h2', { id: 'h-' + id, text: t(titleKey) }));
    if (hintKey) s.appendChild(el('p', { class: 'hint', text: t(hintKey) }));
    return s;
  }
  function ruleOf(f) { return rules[f[F_RULE]]; }

  // A pager under a paged list. onPage(n) re-renders.
  function pager(total, page, onPage) {
    var pages = Math.max(1, Math.ceil(total / PAGE));
    var wrap = el('div', { class: 'pager' });
    if (pages <= 1) return wrap;
    var btn = function (key, target, disabled) {
      return el('button', { type: 'button', disabled: disabled, onclick: function () { onPage(target); } },
        t(key));
    };
    append(wrap, [btn('first', 0, page === 0), btn('prev', page - 1, page === 0),
      el('span', { class: 'page-no', text: t('page', { p: page + 1, n: pages }) }),
      btn('next', page + 1, page >= pages - 1), btn('last', pages - 1, page >= pages - 1)]);
    return wrap;
  }

  // ---------------------------------------------------------------------------------------------
  // One finding's details.

  function referenceItems(rule) {
    var out = [];
    Object.keys(rule.baselines || {}).sort().forEach(function (key) {
      var b = rule.baselines[key];
      var name = I18N[state.lang]['baseline_' + key] !== undefined ? t('baseline_' + key) : key;
      var text = name;
      if (b && typeof b === 'object') {
        if (b.control !== undefined) text += ' ' + String(b.control);
        if (b.scored === true) text += ' (' + t('scored') + ')';
        if (b.scored === false) text += ' (' + t('not_scored') + ')';
        Object.keys(b).forEach(function (k) {
          if (k !== 'control' && k !== 'scored') text += ' · ' + k + ': ' + JSON.stringify(b[k]);
        });
      } else if (b !== undefined && b !== null && b !== true) {
        text += ' ' + String(b);
      }
      out.push(el('li', { class: 'ref ref-' + key.replace(/[^a-z0-9-]/gi, '') }, text));
    });
    return out;
  }

  function pretty(value) {
    return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  }

  function detail(idx) {
    var f = findings[idx];
    var rule = ruleOf(f);
    var ev = f[F_EVIDENCE];
    var box = el('div', { class: 'detail', 'data-finding': f[F_ID] });
    var dl = el('dl');
    var row = function (key, content, cls) {
      append(dl, [el('dt', { text: t(key) }), el('dd', { class: cls }, content)]);
    };
    row('d_checked', [el('strong', { text: bi(rule.title) }), ' ',
      el('code', { class: 'rule-id', text: rule.id })]);
    row('subject', el('code', { text: f[F_SUBJECT] }));
    row('status', [statusBadge(f[F_STATUS]), ' ', severityBadge(f[F_SEVERITY])]);
    row('d_message', msg(f), 'message');
    if (ev && typeof ev === 'object' && !Array.isArray(ev)) {
      if ('actual' in ev || 'expected' in ev) {
        var av = el('div', { class: 'actual-expected' }, [
          el('div', { class: 'ae actual' }, [el('span', { class: 'ae-label', text: t('d_actual') }),
            el('pre', { text: 'actual' in ev ? pretty(ev.actual) : '–' })]),
          el('div', { class: 'ae expected' }, [el('span', { class: 'ae-label', text: t('d_expected') }),
            el('pre', { text: 'expected' in ev ? pretty(ev.expected) : '–' })])]);
        row('d_actual_expected', av);
      }
      if (ev.impact !== undefined) row('d_impact', pretty(ev.impact));
    }
    if (ev !== 0 && ev !== null && !(typeof ev === 'object' && Object.keys(ev).length === 0)) {
      row('d_evidence', el('pre', { class: 'evidence', text: JSON.stringify(ev, null, 2) }));
    }
    var remediation = bi(rule.remediation);
    row('d_remediation', remediation || t('d_no_remediation'), 'remediation');
    var refs = referenceItems(rule);
    row('d_references', refs.length ? el('ul', { class: 'refs' }, refs) : t('d_none'));
    if (f[F_WAIVER]) row('d_waiver', f[F_WAIVER], 'waiver');
    row('d_scope', (f[F_SCOPE] || rule.scope) + (rule.pack ? ' · ' + t('d_pack') + ': ' + rule.pack : ''));
    row('d_id', el('code', { text: f[F_ID] }));
    box.appendChild(dl);
    return box;
  }

  // ---------------------------------------------------------------------------------------------
  // Finding tables (to do and all findings) with expandable rows.

  function findingTable(id, list, pageKey, showRuleId) {
    var wrap = el('div', { class: 'table-wrap', id: id });
    var page = Math.min(state.pages[pageKey], Math.max(0, Math.ceil(list.length / PAGE) - 1));
    state.pages[pageKey] = page;
    var rerender = function () {
      var fresh = findingTable(id, list, pageKey, showRuleId);
      wrap.parentNode.replaceChild(fresh, wrap);
    };
    var table = el('table', { class: 'findings' });
    table.appendChild(el('thead', null, el('tr', null, [
      el('th', { class: 'c-toggle', 'aria-label': t('expand') }),
      el('th', { text: t('status') }), el('th', { text: t('severity') }),
      el('th', { text: t('subject') }), el('th', { text: t('check') }),
      el('th', { text: t('message') })])));
    var tbody = el('tbody');
    var end = Math.min(list.length, (page + 1) * PAGE);
    for (var k = page * PAGE; k < end; k++) {
      (function (idx) {
        var f = findings[idx];
        var rule = ruleOf(f);
        var open = !!state.expanded[idx];
        var tr = el('tr', {
          class: 'row' + (open ? ' open' : ''), 'data-status': STATUSES[f[F_STATUS]],
          'data-id': f[F_ID], tabindex: '0', 'aria-expanded': open ? 'true' : 'false'
        }, [
          el('td', { class: 'c-toggle', text: open ? '▾' : '▸', title: t(open ? 'collapse' : 'expand') }),
          el('td', null, statusBadge(f[F_STATUS])),
          el('td', null, severityBadge(f[F_SEVERITY])),
          el('td', { class: 'c-subject' }, el('code', { text: f[F_SUBJECT] })),
          el('td', { class: 'c-check' }, [bi(rule.title),
            showRuleId ? el('span', { class: 'rule-id', text: rule.id }) : null]),
          el('td', { class: 'c-message', text: msg(f) })]);
        var toggle = function () {
          if (state.expanded[idx]) delete state.expanded[idx]; else state.expanded[idx] = true;
          rerender();
        };
        tr.addEventListener('click', toggle);
        tr.addEventListener('keydown', function (e) {
          if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); }
        });
        tbody.appendChild(tr);
        if (open) {
          tbody.appendChild(el('tr', { class: 'detail-row' },
            el('td', { colspan: '6' }, detail(idx))));
        }
      })(list[k]);
    }
    table.appendChild(tbody);
    append(wrap, [el('div', { class: 'table-scroll' }, table),
      pager(list.length, page, function (p) { state.pages[pageKey] = p; rerender(); })]);
    return wrap;
  }

  // ---------------------------------------------------------------------------------------------
  // Filtering works on the data arrays; only the visible page becomes DOM.

  var filterCache = { key: null, list: null };
  function filterKey() {
    return [state.q, state.status, state.severity, state.baseline, state.ns, state.node].join('\u0000');
  }
  function filtered() {
    var key = filterKey();
    if (filterCache.key === key) return filterCache.list;
    var terms = state.q.trim().toLowerCase().split(/\s+/).filter(Boolean);
    if (terms.length && !searchText) {
      searchText = new Array(N);
      for (var j = 0; j < N; j++) {
        var f = findings[j], r = rules[f[F_RULE]];
        searchText[j] = (f[F_SUBJECT] + '\n' + f[F_MESSAGE] + '\n' + (f[F_MESSAGE_ZH] || '') + '\n' + r.id + '\n' + r.title.en + '\n' +
          r.title.zh + '\n' + f[F_WAIVER] + '\n' + f[F_ID]).toLowerCase();
      }
    }
    var st = state.status === '' ? -1 : +state.status;
    var sev = state.severity === '' ? -1 : +state.severity;
    var out = [];
    for (var k = 0; k < N; k++) {
      var idx = ordered[k];
      var g = findings[idx];
      if (st >= 0 && g[F_STATUS] !== st) continue;
      if (sev >= 0 && g[F_SEVERITY] !== sev) continue;
      if (state.baseline && ruleBaselines[g[F_RULE]].indexOf(state.baseline) < 0) continue;
      if (state.ns && fNamespace[idx] !== state.ns) continue;
      if (state.node && fNode[idx] !== state.node) continue;
      if (terms.length) {
        var text = searchText[idx], hit = true;
        for (var m = 0; m < terms.length; m++) {
          if (text.indexOf(terms[m]) < 0) { hit = false; break; }
        }
        if (!hit) continue;
      }
      out.push(idx);
    }
    filterCache = { key: key, list: out };
    return out;
  }

  var refs = {};  // live parts of the page re-rendered on their own

  function renderFindingResults() {
    var list = filtered();
    var holder = refs.findingResults;
    holder.textContent = '';
    holder.appendChild(el('p', { class: 'shown', id: 'findings-shown' },
      t('shown', { n: list.length, total: N })));
    if (!list.length) {
      holder.appendChild(el('p', { class: 'empty', text: t('no_match') }));
      return;
    }
    holder.appendChild(findingTable('findings-table', list, 'findings', true));
  }

  function setFilter(changes) {
    Object.keys(changes).forEach(function (k) { state[k] = String(changes[k]); });
    state.pages.findings = 0;
    syncFilterControls();
    renderFindingResults();
  }

  function syncFilterControls() {
    ['q', 'status', 'severity', 'baseline', 'ns', 'node'].forEach(function (k) {
      var c = refs['filter_' + k];
      if (c && c.value !== state[k]) c.value = state[k];
    });
  }

  function selectControl(key, labelKey, options) {
    var sel = el('select', { id: 'filter-' + key, 'aria-label': t(labelKey) });
    sel.appendChild(el('option', { value: '', text: t(labelKey) + ': ' + t('all') }));
    options.forEach(function (o) { sel.appendChild(el('option', { value: o[0], text: o[1] })); });
    sel.value = state[key];
    sel.addEventListener('change', function () {
      var c = {};
      c[key] = sel.value;
      setFilter(c);
    });
    refs['filter_' + key] = sel;
    return el('label', { class: 'filter' }, sel);
  }

  function findingsSection() {
    var s = section('findings', 'findings');
    var search = el('input', {
      type: 'search', id: 'filter-q', placeholder: t('search'), 'aria-label': t('search_label'),
      value: state.q, autocomplete: 'off', spellcheck: 'false'
    });
    var timer = null;
    search.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { setFilter({ q: search.value }); }, 150);
    });
    refs.filter_q = search;
    var bar = el('div', { class: 'filters' }, [
      search,
      selectControl('status', 'status', STATUSES.map(function (n, k) { return [String(k), statusLabel(k)]; })),
      selectControl('severity', 'severity',
        SEVERITIES.map(function (n, k) { return [String(k), severityLabel(k)]; })),
      baselines.length ? selectControl('baseline', 'baseline', baselines.map(function (b) {
        return [b, I18N[state.lang]['baseline_' + b] !== undefined ? t('baseline_' + b) : b];
      })) : null,
      namespaces.length ? selectControl('ns', 'namespace', namespaces.map(function (n) { return [n, n]; })) : null,
      nodes.length ? selectControl('node', 'node', nodes.map(function (n) { return [n, n]; })) : null,
      el('button', {
        type: 'button', id: 'filter-clear', class: 'secondary',
        onclick: function () { setFilter({ q: '', status: '', severity: '', baseline: '', ns: '', node: '' }); }
      }, t('clear'))]);
    s.appendChild(bar);
    refs.findingResults = el('div', { id: 'findings-results' });
    s.appendChild(refs.findingResults);
    renderFindingResults();
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // Header, scores, counts.

  function header() {
    var sc = D.scan, cl = D.cluster;
    var top = el('header', { class: 'top' }, [
      el('div', { class: 'brand' }, [el('span', { class: 'logo', 'aria-hidden': 'true', text: '⎈' }),
        el('div', null, [el('h1', { id: 'doc-title', text: t('doc_title') }),
          el('div', { class: 'cluster-name', text: (cl.name || '–') + (cl.version ? ' · ' + cl.version : '') })])]),
      el('div', { class: 'actions' }, [
        el('button', {
          type: 'button', id: 'lang-switch', title: t('switch_lang_title'),
          onclick: function () { setLang(state.lang === 'zh' ? 'en' : 'zh'); }
        }, t('switch_lang')),
        el('button', { type: 'button', class: 'secondary', onclick: function () { window.print(); } }, t('print'))])]);
    var out = [top];
    if (!sc.complete) {
      out.push(el('div', { class: 'banner-incomplete', id: 'incomplete-banner', role: 'alert' },
        t('incomplete', { state: t('state_' + sc.state) })));
    }
    var counted = { pass: 0, na: 0 };
    (D.counted || []).forEach(function (c) { counted[c.status] = (counted[c.status] || 0) + c.count; });
    if (counted.pass + counted.na > 0) {
      out.push(el('div', { class: 'note-counted', id: 'counted-note', role: 'note' },
        t('counted_note', { pass: counted.pass, na: counted.na })));
    }
    var meta = el('dl', { class: 'meta' });
    var item = function (key, value, id) {
      append(meta, el('div', { class: 'meta-item' }, [el('dt', { text: t(key) }),
        el('dd', { id: id, text: value === '' || value === undefined || value === null ? '–' : value })]));
    };
    item('cluster', cl.name, 'meta-cluster');
    item('version', cl.version, 'meta-version');
    item('flavour', cl.flavour || t('unknown'), 'meta-flavour');
    item('profile', sc.profile, 'meta-profile');
    item('scan_id', '#' + sc.id, 'meta-scan');
    item('state', t('state_' + sc.state), 'meta-state');
    item('started', fmtTime(sc.started_at), 'meta-started');
    item('snapshot_time', fmtTime(sc.snapshot_time), 'meta-snapshot');
    item('duration', fmtDuration(sc.started_at, sc.finished_at), 'meta-duration');
    item('origin', sc.origin, 'meta-origin');
    item('uid', cl.uid, 'meta-uid');
    item('tool', 'kpatrol ' + (D.tool.version || ''), 'meta-tool');
    out.push(el('section', { class: 'card meta-card', id: 'scan-meta' }, meta));
    return out;
  }

  function countsBar(counts) {
    var total = 0;
    STATUSES.forEach(function (n) { total += counts[n] || 0; });
    var bar = el('div', { class: 'stack', 'aria-hidden': 'true' });
    if (!total) return bar;
    STATUSES.forEach(function (n, k) {
      var c = counts[n] || 0;
      if (!c) return;
      bar.appendChild(el('span', {
        class: 'seg st-bg-' + n, style: 'width:' + (100 * c / total).toFixed(3) + '%',
        title: statusLabel(k) + ': ' + c
      }));
    });
    return bar;
  }

  function scoresSection() {
    var s = section('scores', 'scores');
    var grid = el('div', { class: 'scores' });
    (D.scores || []).forEach(function (g) {
      var overall = g.group === '';
      var card = el('div', { class: 'score-card' + (overall ? ' overall' : '') }, [
        el('div', { class: 'score-title', text: overall ? t('overall') + (bi(g.title) ? ' · ' + bi(g.title) : '') : bi(g.title) || g.group }),
        el('div', { class: 'score-line' }, [
          el('span', { class: 'score-value' }, el('span', { 'data-score-group': g.group, text: fmtScore(g.score) })),
          el('span', { class: gradeClass(g.grade), title: t('grade') },
            el('span', { 'data-grade-group': g.group, text: g.grade || '-' }))]),
        g.score === null ? el('div', { class: 'hint', text: t('no_score') }) : null,
        countsBar(g.counts || {}),
        el('div', { class: 'mini-counts' }, STATUSES.filter(function (n) { return (g.counts || {})[n]; })
          .map(function (n) {
            return el('span', { class: 'mini st-' + n }, statusLabel(STATUSES.indexOf(n)) + ' ' + g.counts[n]);
          }))]);
      grid.appendChild(card);
    });
    s.appendChild(grid);

    // Status counts of the whole scan (the profile's overall counts, as in the JSON report).
    var counts = (D.scores && D.scores.length) ? D.scores[0].counts : null;
    if (!counts) {
      counts = {};
      STATUSES.forEach(function (n) { counts[n] = 0; });
      findings.forEach(function (f) { counts[STATUSES[f[F_STATUS]]]++; });
    }
    s.appendChild(el('h3', { text: t('counts') }));
    var chips = el('div', { class: 'count-chips', id: 'status-counts' });
    STATUSES.forEach(function (n, k) {
      chips.appendChild(el('button', {
        type: 'button', class: 'chip st-' + n, title: t('jump_findings'),
        onclick: function () {
          setFilter({ status: String(k), q: '', severity: '', baseline: '', ns: '', node: '' });
          var target = document.getElementById('findings');
          if (target && target.scrollIntoView) target.scrollIntoView();
        }
      }, [el('b', { 'data-count-status': n, text: String(counts[n] || 0) }), ' ', statusLabel(k)]));
    });
    s.appendChild(chips);
    s.appendChild(el('p', { class: 'hint', text: t('findings_total', { n: N }) }));
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // Trend and changes since the previous scan.

  function trendChart() {
    var pts = (D.history || []).filter(function (h) { return h.score !== null && h.score !== undefined; });
    if (pts.length < 2) return el('p', { class: 'empty', id: 'trend-none', text: t('trend_none') });
    var W = 640, H = 180, L = 40, R = 16, T = 12, B = 28;
    var min = 100, max = 0;
    pts.forEach(function (p) { min = Math.min(min, p.score); max = Math.max(max, p.score); });
    var lo = Math.max(0, Math.floor((min - 5) / 10) * 10), hi = Math.min(100, Math.ceil((max + 1) / 10) * 10);
    if (hi - lo < 10) lo = Math.max(0, hi - 10);
    var x = function (k) { return L + (W - L - R) * (pts.length === 1 ? 0.5 : k / (pts.length - 1)); };
    var y = function (v) { return T + (H - T - B) * (1 - (v - lo) / (hi - lo)); };
    var root = svg('svg', {
      id: 'trend-chart', viewBox: '0 0 ' + W + ' ' + H, width: '100%', role: 'img',
      'data-points': pts.length, preserveAspectRatio: 'xMidYMid meet'
    });
    var title = svg('title');
    title.textContent = t('trend');
    root.appendChild(title);
    for (var v = lo; v <= hi; v += (hi - lo) / 5) {
      root.appendChild(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }));
      var lab = svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' });
      lab.textContent = Math.round(v);
      root.appendChild(lab);
    }
    var d = pts.map(function (p, k) { return (k ? 'L' : 'M') + x(k).toFixed(1) + ' ' + y(p.score).toFixed(1); }).join(' ');
    root.appendChild(svg('path', { d: d, class: 'line' }));
    pts.forEach(function (p, k) {
      var c = svg('circle', { cx: x(k), cy: y(p.score), r: 4, class: 'pt' + (k === pts.length - 1 ? ' last' : '') });
      var tt = svg('title');
      tt.textContent = t('trend_point', { id: p.scan_id, time: fmtTime(p.started_at), score: fmtScore(p.score), grade: p.grade });
      c.appendChild(tt);
      root.appendChild(c);
    });
    [0, pts.length - 1].forEach(function (k) {
      var lab = svg('text', { x: x(k), y: H - 8, 'text-anchor': k ? 'end' : 'start', class: 'axis' });
      lab.textContent = '#' + pts[k].scan_id + ' ' + fmtTime(pts[k].started_at).slice(0, 10);
      root.appendChild(lab);
    });
    return root;
  }

  function changesTable(entries) {
    var wrap = el('div', { class: 'table-wrap', id: 'changes-table' });
    var page = state.pages.changes;
    var table = el('table', { class: 'findings changes' });
    table.appendChild(el('thead', null, el('tr', null, [
      el('th', { text: t('change') }), el('th', { text: t('severity') }), el('th', { text: t('subject') }),
      el('th', { text: t('check') }), el('th', { text: t('before_after') }), el('th', { text: t('message') })])));
    var tbody = el('tbody');
    var end = Math.min(entries.length, (page + 1) * PAGE);
    for (var k = page * PAGE; k < end; k++) {
      var e = entries[k];
      var r = rules[ruleIndexById[e.rule_id]];
      var ba = function (s) { return s === null || s === undefined ? el('span', { class: 'absent', text: t('absent') }) : statusBadge(s); };
      tbody.appendChild(el('tr', { class: 'change-row', 'data-change': e.change }, [
        el('td', null, el('span', { class: 'chg chg-' + e.change, text: t('change_' + e.change) })),
        el('td', null, severityBadge(e.severity)),
        el('td', { class: 'c-subject' }, el('code', { text: e.subject })),
        el('td', { class: 'c-check' }, [r ? bi(r.title) : e.rule_id, el('span', { class: 'rule-id', text: e.rule_id })]),
        el('td', { class: 'c-ba' }, [ba(e.before), ' → ', ba(e.after)]),
        el('td', { class: 'c-message', text: e.message })]));
    }
    table.appendChild(tbody);
    append(wrap, [el('div', { class: 'table-scroll' }, table), pager(entries.length, page, function (p) {
      state.pages.changes = p;
      wrap.parentNode.replaceChild(changesTable(entries), wrap);
    })]);
    return wrap;
  }

  function trendSection() {
    var s = section('trend', 'trend');
    s.appendChild(el('div', { class: 'trend-box' }, trendChart()));
    var c = el('div', { id: 'changes' });
    c.appendChild(el('h3', { id: 'h-changes', text: t('changes') }));
    var sp = D.since_previous;
    if (!sp) {
      c.appendChild(el('p', { class: 'empty', text: t('changes_none') }));
    } else {
      c.appendChild(el('p', { class: 'hint', text: t('changes_against', { id: sp.scan_id }) }));
      c.appendChild(el('div', { class: 'count-chips' }, ['new', 'resolved', 'changed', 'unchanged'].map(function (k) {
        return el('span', { class: 'chip chg-' + k }, [el('b', { 'data-change-count': k, text: String(sp[k] || 0) }), ' ', t('change_' + k)]);
      })));
      if (sp.entries && sp.entries.length) c.appendChild(changesTable(sp.entries));
      else c.appendChild(el('p', { class: 'empty', text: t('change_nothing') }));
    }
    s.appendChild(c);
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // To do, node matrix, errors, waivers.

  function todoSection() {
    var s = section('todo', 'todo', 'todo_hint');
    if (!todo.length) s.appendChild(el('p', { class: 'empty ok', text: t('todo_none') }));
    else s.appendChild(findingTable('todo-table', todo, 'todo', false));
    return s;
  }

  var matrix = null;
  function buildMatrix() {
    var cols = {}, cells = {};
    for (var k = 0; k < N; k++) {
      var node = fNode[k];
      if (!node) continue;
      var f = findings[k];
      cols[f[F_RULE]] = 1;
      (cells[node] || (cells[node] = {}))[f[F_RULE]] = k;
    }
    var colList = Object.keys(cols).map(Number).sort(function (a, b) {
      return cmp(rules[a].pack, rules[b].pack) || cmp(rules[a].id, rules[b].id);
    });
    return { cols: colList, cells: cells };
  }

  function shortRuleId(id) {
    var k = id.lastIndexOf('/');
    return k >= 0 ? id.slice(k + 1) : id;
  }

  function matrixTable() {
    var wrap = el('div', { class: 'table-wrap', id: 'matrix-wrap' });
    var page = state.pages.matrix;
    var table = el('table', { class: 'matrix', id: 'node-matrix' });
    var packRow = el('tr', null, el('th', { class: 'corner', rowspan: '2', text: t('node') }));
    var idRow = el('tr');
    var k = 0;
    while (k < matrix.cols.length) {
      var pack = rules[matrix.cols[k]].pack, span = 0;
      while (k + span < matrix.cols.length && rules[matrix.cols[k + span]].pack === pack) span++;
      packRow.appendChild(el('th', { colspan: String(span), class: 'pack', text: pack || '–' }));
      k += span;
    }
    packRow.appendChild(el('th', { rowspan: '2', class: 'problems', text: t('problems') }));
    matrix.cols.forEach(function (r) {
      idRow.appendChild(el('th', { class: 'col', title: rules[r].id + ' — ' + bi(rules[r].title) },
        el('span', { text: shortRuleId(rules[r].id) })));
    });
    table.appendChild(el('thead', null, [packRow, idRow]));
    var tbody = el('tbody');
    var end = Math.min(nodes.length, (page + 1) * PAGE);
    for (var n = page * PAGE; n < end; n++) {
      var node = nodes[n];
      var row = el('tr', { 'data-node': node }, el('th', { class: 'node', scope: 'row', text: node }));
      var problems = 0;
      matrix.cols.forEach(function (r) {
        var idx = matrix.cells[node] ? matrix.cells[node][r] : undefined;
        if (idx === undefined) { row.appendChild(el('td', { class: 'cell empty-cell' })); return; }
        var f = findings[idx];
        if (f[F_STATUS] === 1 || f[F_STATUS] === 2) problems++;
        var td = el('td', {
          class: 'cell st-bg-' + STATUSES[f[F_STATUS]] + (state.matrixSelected === idx ? ' selected' : ''),
          title: rules[r].id + ' · ' + statusLabel(f[F_STATUS]) + ': ' + msg(f),
          'data-status': STATUSES[f[F_STATUS]], 'data-id': f[F_ID], tabindex: '0',
          'aria-label': node + ' ' + rules[r].id + ' ' + statusLabel(f[F_STATUS])
        }, STATUS_SYMBOL[f[F_STATUS]]);
        var pick = function () {
          state.matrixSelected = state.matrixSelected === idx ? -1 : idx;
          wrap.parentNode.replaceChild(matrixTable(), wrap);
        };
        td.addEventListener('click', pick);
        td.addEventListener('keydown', function (e) { if (e.key === 'Enter') pick(); });
        row.appendChild(td);
      });
      row.appendChild(el('td', { class: 'problems' + (problems ? ' has' : ''), text: String(problems) }));
      tbody.appendChild(row);
    }
    table.appendChild(tbody);
    append(wrap, [el('div', { class: 'table-scroll' }, table), pager(nodes.length, page, function (p) {
      state.pages.matrix = p;
      wrap.parentNode.replaceChild(matrixTable(), wrap);
    })]);
    if (state.matrixSelected >= 0) wrap.appendChild(detail(state.matrixSelected));
    return wrap;
  }

  function matrixSection() {
    var s = section('matrix', 'matrix', 'matrix_hint');
    if (!matrix) matrix = buildMatrix();
    if (!nodes.length || !matrix.cols.length) {
      s.appendChild(el('p', { class: 'empty', text: t('matrix_none') }));
      return s;
    }
    var legend = el('div', { class: 'legend' }, STATUSES.map(function (n, k) {
      return el('span', { class: 'legend-item' }, [el('span', { class: 'cell-sample st-bg-' + n, text: STATUS_SYMBOL[k] }), statusLabel(k)]);
    }));
    s.appendChild(legend);
    s.appendChild(matrixTable());
    return s;
  }

  function simpleTable(id, heads, rows) {
    var table = el('table', { class: 'findings simple', id: id });
    table.appendChild(el('thead', null, el('tr', null, heads.map(function (h) { return el('th', { text: h }); }))));
    var tbody = el('tbody');
    rows.forEach(function (r) { tbody.appendChild(el('tr', null, r.map(function (c) { return el('td', null, c); }))); });
    table.appendChild(tbody);
    return el('div', { class: 'table-scroll' }, table);
  }

  function errorsSection() {
    if (!D.errors || !D.errors.length) return null;
    var s = section('errors', 'errors', 'errors_hint');
    s.appendChild(simpleTable('errors-table', [t('subject'), t('fact'), t('source'), t('message')],
      D.errors.slice(0, 1000).map(function (e) { return [el('code', { text: e.subject }), e.fact, e.source, e.message]; })));
    return s;
  }

  function waiversSection() {
    if (!D.waivers || !D.waivers.length) return null;
    var s = section('waivers', 'waivers');
    s.appendChild(simpleTable('waivers-table', [t('rule'), t('subject'), t('owner'), t('reason'), t('expires'), t('matched')],
      D.waivers.map(function (w) {
        return [el('code', { text: w.rule }), el('code', { text: w.subject }), w.owner, w.reason,
          (w.expires || t('never')) + (w.expired ? ' (' + t('expired') + ')' : ''), String(w.matched)];
      })));
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // The page.

  function renderAll() {
    var app = document.getElementById('app');
    app.textContent = '';
    refs = {};
    document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
    append(app, header());
    var nav = el('nav', { class: 'toc' }, ['scores', 'trend', 'todo', 'matrix', 'findings'].map(function (id) {
      return el('a', { href: '#' + id, onclick: function (e) {
        e.preventDefault();
        var target = document.getElementById(id);
        if (target && target.scrollIntoView) target.scrollIntoView();
      } }, t(id === 'trend' ? 'trend' : id));
    }));
    app.appendChild(nav);
    var main = el('main');
    append(main, [scoresSection(), trendSection(), todoSection(), matrixSection(), findingsSection(),
      errorsSection(), waiversSection()]);
    app.appendChild(main);
    app.appendChild(el('footer', { class: 'foot' }, t('footer', { version: D.tool.version || '', id: D.scan.id })));
  }

  function setLang(lang) {
    state.lang = lang === 'zh' ? 'zh' : 'en';
    var y = window.scrollY;
    renderAll();
    window.scrollTo(0, y);
  }

  // #finding=<id>: open that finding in the findings table (deep links, tests).
  function focusFromHash() {
    var m = /(?:^#|&)finding=([0-9a-f]{16})/.exec(location.hash);
    if (!m) return;
    var idx = -1;
    for (var k = 0; k < N; k++) if (findings[k][F_ID] === m[1]) { idx = k; break; }
    if (idx < 0) return;
    setFilter({ q: '', status: '', severity: '', baseline: '', ns: '', node: '' });
    var pos = filtered().indexOf(idx);
    state.expanded[idx] = true;
    state.pages.findings = Math.floor(pos / PAGE);
    renderFindingResults();
    var row = document.querySelector('#findings-table tr[data-id="' + m[1] + '"]');
    if (row && row.scrollIntoView) row.scrollIntoView();
  }

  renderAll();
  focusFromHash();

  // For the self-test (selftest.js) and the curious: read-only access plus the two actions.
  window.kpatrol = {
    data: D, state: state, statuses: STATUSES, pageSize: PAGE,
    setLang: setLang, setFilter: setFilter, filtered: filtered
  };
})();

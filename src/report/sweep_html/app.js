// keylint sweep report: sorting and filtering of the tables, no library and no network.
// Every value from the data is read with textContent / dataset, never parsed as HTML.
(function () {
  'use strict';
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });

  function sortKey(row, column) {
    var cell = row.cells[column];
    if (!cell) return '';
    var key = cell.getAttribute('data-sort');
    return key !== null ? key : cell.textContent;
  }

  // Sorts the body rows of `table` by column `column`; `ascending` true/false, or undefined to
  // toggle. Ties keep the report's own order (data-i), so a sort is deterministic.
  function sortTable(table, column, ascending) {
    var head = table.tHead.rows[0].cells;
    var th = head[column];
    if (ascending === undefined) ascending = th.getAttribute('aria-sort') !== 'ascending';
    for (var h = 0; h < head.length; h++) head[h].removeAttribute('aria-sort');
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var numeric = th.classList.contains('num');
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortKey(a, column), y = sortKey(b, column), c;
      if (numeric) c = Number(x) - Number(y);
      else c = x < y ? -1 : (x > y ? 1 : 0);
      if (!ascending) c = -c;
      return c || (Number(a.getAttribute('data-i')) - Number(b.getAttribute('data-i')));
    });
    for (var i = 0; i < rows.length; i++) body.appendChild(rows[i]);
  }

  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      th.tabIndex = 0;
      th.addEventListener('click', function () { sortTable(table, column); });
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortTable(table, column); }
      });
    });
  });

  var findings = document.getElementById('findings-table');
  var text = document.getElementById('filter-text');
  var severity = document.getElementById('filter-severity');
  var exchange = document.getElementById('filter-exchange');
  var repository = document.getElementById('filter-repository');
  var shown = document.getElementById('shown');

  function findingRows() {
    return findings ? Array.prototype.slice.call(findings.tBodies[0].rows) : [];
  }

  // Shows the rows that match every filter; returns how many.
  function applyFilter() {
    var rows = findingRows();
    var query = text ? text.value.trim().toLowerCase() : '';
    var count = 0;
    rows.forEach(function (row) {
      var match = (!severity || !severity.value || row.getAttribute('data-severity') === severity.value) &&
        (!exchange || !exchange.value || row.getAttribute('data-exchange') === exchange.value) &&
        (!repository || !repository.value || row.getAttribute('data-repository') === repository.value) &&
        (!query || row.textContent.toLowerCase().indexOf(query) >= 0);
      row.hidden = !match;
      if (match) count++;
    });
    if (shown) shown.textContent = count + ' of ' + rows.length + ' findings shown';
    return count;
  }

  [text, severity, exchange, repository].forEach(function (control) {
    if (control) control.addEventListener(control === text ? 'input' : 'change', applyFilter);
  });
  applyFilter();

  // `report.html#selftest[&q=TEXT]`: drives the page as a person would (change events on the
  // filters, input events on the text box, clicks on the column headers), counts the rows left
  // visible, and writes what it saw into #selftest, one `key=value` a line, for the
  // headless-browser test (tests/sweep_report_browser.sh).
  function selfTest(query) {
    var out = [];
    var data = JSON.parse(document.getElementById('report-data').textContent);
    var rows = findingRows();
    var visible = function () { return findingRows().filter(function (r) { return !r.hidden; }).length; };
    var fire = function (control, type) { control.dispatchEvent(new Event(type)); };
    out.push('rows=' + rows.length);
    out.push('expected_rows=' + data.findings);
    out.push('shown_initially=' + visible());
    function each(select, name) {
      if (!select) return;
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        select.value = option.value;
        fire(select, 'change');
        out.push(name + ':' + option.textContent + '=' + visible());
      });
      select.value = '';
      fire(select, 'change');
    }
    each(severity, 'severity');
    each(exchange, 'exchange');
    each(repository, 'repository');
    if (query !== null && text) {
      text.value = query;
      fire(text, 'input');
      out.push('text=' + visible());
      out.push('counter=' + (shown ? shown.textContent : ''));
      text.value = '';
      fire(text, 'input');
    }
    out.push('shown_after_reset=' + visible());
    if (findings && rows.length) {
      var headers = findings.tHead.rows[0].cells, lineColumn = -1, repoColumn = -1;
      Array.prototype.forEach.call(headers, function (th, i) {
        if (th.getAttribute('data-column') === 'line') lineColumn = i;
        if (th.getAttribute('data-column') === 'repository') repoColumn = i;
      });
      var ordered = function (ascending, column, numeric) {
        var keys = findingRows().map(function (r) { var k = sortKey(r, column); return numeric ? Number(k) : k; });
        for (var i = 1; i < keys.length; i++) {
          if (ascending ? keys[i - 1] > keys[i] : keys[i - 1] < keys[i]) return false;
        }
        return true;
      };
      headers[lineColumn].click(); // first click: ascending
      out.push('line_asc_first=' + sortKey(findingRows()[0], lineColumn));
      var ok = ordered(true, lineColumn, true) && headers[lineColumn].getAttribute('aria-sort') === 'ascending';
      headers[lineColumn].click(); // second click: descending
      out.push('line_desc_first=' + sortKey(findingRows()[0], lineColumn));
      ok = ok && ordered(false, lineColumn, true) && headers[lineColumn].getAttribute('aria-sort') === 'descending';
      headers[repoColumn].click();
      ok = ok && ordered(true, repoColumn, false) && !headers[lineColumn].hasAttribute('aria-sort');
      out.push('sort=' + (ok ? 'ok' : 'FAIL'));
    }
    out.push('errors=' + errors.length);
    var target = document.getElementById('selftest');
    target.textContent = out.join('\n') + '\n';
    target.className = 'ran';
  }

  var hash = window.location.hash;
  if (hash === '#selftest' || hash.indexOf('#selftest&') === 0) {
    var q = null;
    hash.slice(1).split('&').forEach(function (part) {
      if (part.indexOf('q=') === 0) q = decodeURIComponent(part.slice(2));
    });
    selfTest(q);
  }
}());

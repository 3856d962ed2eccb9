// Draws a discourse page's charts and the brushed post list from the page's JSON data block.
//
// The data block (the script element with id "discourse-data") holds the chart specs without
// data, each dataset once in column form, and the detail list's settings, as JSON compressed
// with raw DEFLATE and base64-encoded (data-encoding="deflate-raw;base64"); the browser's
// DecompressionStream unpacks it. Untrusted text (posts, authors, cues)
// reaches the document only through textContent, never as markup; Vega's tooltips escape their
// values. Each chart element gets data-rendered="true" (or "error"), and the body element gets
// data-charts-done once every chart has settled.
(function () {
  "use strict";
  var ENCODING = "deflate-raw;base64";
  function unpack(element) {
    var text = element.textContent, encoding = element.getAttribute("data-encoding");
    if (encoding !== ENCODING) { return Promise.reject(new Error("unknown data encoding " + encoding)); }
    if (typeof DecompressionStream === "undefined") {
      return Promise.reject(new Error("this browser cannot unpack the page's data " +
        "(it has no DecompressionStream; Chrome 80, Firefox 113 and Safari 16.4 or later do)"));
    }
    var binary = atob(text), bytes = new Uint8Array(binary.length), i;
    for (i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).text().then(JSON.parse);
  }
  function markFailed(el, err) {
    el.setAttribute("data-rendered", "error");
    el.textContent = "This chart could not be drawn: " + err;
  }
  function fail(err) {
    var charts = document.querySelectorAll("div.chart"), k;
    for (k = 0; k < charts.length; k++) { markFailed(charts[k], err); }
    console.error(err);
    document.body.setAttribute("data-charts-done", "true");
  }
  unpack(document.getElementById("discourse-data")).then(draw, fail);

  function draw(page) {
    function rowsOf(name) {
      var d = page.datasets[name], out = new Array(d.n), i, j, r;
      for (i = 0; i < d.n; i++) {
        r = {};
        for (j = 0; j < d.columns.length; j++) { r[d.columns[j]] = d.values[j][i]; }
        out[i] = r;
      }
      return out;
    }
    function cell(tr, text, cls) {
      var td = document.createElement("td");
      if (cls) { td.className = cls; }
      td.textContent = text === null || text === undefined ? "" : String(text);
      tr.appendChild(td);
      return td;
    }
    function makeDetail(cfg) {
      var rows = rowsOf(cfg.dataset);
      var body = document.getElementById("detail-body");
      var caption = document.getElementById("detail-caption");
      function show(range) {
        var lo = -Infinity, hi = Infinity, picked = rows, tr, td, chip, k, r, label;
        if (range && range.length === 2) {
          lo = Math.min(range[0], range[1]); hi = Math.max(range[0], range[1]);
          picked = rows.filter(function (r) { return r.position >= lo && r.position <= hi; });
        }
        body.textContent = "";
        for (k = 0; k < picked.length && k < cfg.limit; k++) {
          r = picked[k];
          tr = document.createElement("tr");
          cell(tr, r.position, "num");
          cell(tr, r.author === null ? "—" : r.author);
          td = cell(tr, "");
          chip = document.createElement("span");
          chip.className = "chip";
          label = Object.prototype.hasOwnProperty.call(cfg.labels, r.stance) ? cfg.labels[r.stance] : r.stance;
          chip.textContent = label;
          if (Object.prototype.hasOwnProperty.call(cfg.colors, r.stance)) {
            chip.style.backgroundColor = cfg.colors[r.stance];
          }
          td.appendChild(chip);
          cell(tr, typeof r.confidence === "number" ? r.confidence.toFixed(2) : "—", "num");
          cell(tr, r.cues, "cues");
          cell(tr, r.excerpt, "text");
          body.appendChild(tr);
        }
        var what = isFinite(lo)
          ? "Positions " + Math.ceil(lo) + " to " + Math.floor(hi) + ": " + picked.length + " posts"
          : "All " + rows.length + " posts (drag across the stance chart to choose a range)";
        if (picked.length > cfg.limit) { what += "; the first " + cfg.limit + " are listed"; }
        caption.textContent = what + ".";
      }
      show(null);
      return show;
    }
    var showDetail = page.detail ? makeDetail(page.detail) : null;
    var pending = page.charts.map(function (c) {
      var el = document.getElementById(c.id);
      var spec = c.spec;
      spec.datasets = {};
      c.datasets.forEach(function (n) { spec.datasets[n] = rowsOf(n); });
      var opts = { actions: false, mode: "vega-lite", renderer: page.renderer };
      return vegaEmbed(el, spec, opts).then(function (res) {
        el.setAttribute("data-rendered", "true");
        if (c.brush && showDetail) {
          res.view.addSignalListener(c.brush, function (_, value) {
            showDetail(value && value.position ? value.position : null);
          });
        }
      }).catch(function (err) {
        markFailed(el, err);
        console.error(err);
      });
    });
    Promise.all(pending).then(function () {
      document.body.setAttribute("data-charts-done", "true");
    });
  }
})();

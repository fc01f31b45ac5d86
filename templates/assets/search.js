// Static full-text search: the same tokenizer and ranking as kspages/search.py (tests compare the two).
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.kspagesSearch = factory();
})(this, function () {
  "use strict";
  var RUNS = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g;

  function tokens(text) {
    var out = [], s = String(text).normalize("NFKC").toLowerCase(), m;
    RUNS.lastIndex = 0;
    while ((m = RUNS.exec(s))) {
      var run = m[0];
      if (run.charCodeAt(0) < 128 || run.length === 1) out.push(run);
      else for (var i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
    }
    return out;
  }

  function queryTerms(query) {
    var seen = Object.create(null), out = [];
    tokens(query).forEach(function (t) { if (!seen[t]) { seen[t] = true; out.push(t); } });
    return out;
  }

  function fnv1a(text) {
    var bytes = new TextEncoder().encode(text), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  function shardName(term, bits) {
    if (bits === 0) return "0";
    var s = (fnv1a(term) >>> (32 - bits)).toString(16);
    while (s.length < Math.floor((bits + 3) / 4)) s = "0" + s;
    return s;
  }

  // The natural logarithm of x >= 1 as kspages/search.py's ln computes it, operation for operation: Math.log is not
  // correctly rounded in every browser, and a last bit of difference turned near ties around.
  function ln(x) {
    var k = 0;
    while (x >= 2) { x /= 2; k += 1; }
    var s = (x - 1) / (x + 1), s2 = s * s, term = s, total = 0;
    for (var n = 1; n < 41; n += 2) { total += term / n; term *= s2; }
    return 2 * total + k * 0.6931471805599453;
  }

  // postings: {term: [[doc, count], ...]} for the query's terms; meta: the index's meta.json (each document's
  // length, and its boost where it is not 1). BM25 (k1 1.2, b 0.75) in the very operations of search.search in
  // Python, so both compute the same floats. Returns doc ids best first.
  function rank(terms, postings, meta) {
    var scores = {}, ids = [], total = meta.docs, lengths = meta.lengths, boosts = {}, sum = 0;
    meta.boosts.forEach(function (b) { boosts[b[0]] = b[1]; });
    for (var i = 0; i < lengths.length; i++) sum += lengths[i];
    var average = total ? sum / total : 1;
    terms.forEach(function (term) {
      var hits = postings[term];
      if (!hits || !hits.length) return;
      var idf = ln(1 + (total - hits.length + 0.5) / (hits.length + 0.5));
      hits.forEach(function (hit) {
        var tf = hit[1], norm = 1.2 * (1 - 0.75 + 0.75 * lengths[hit[0]] / average);
        var weight = (hit[0] in boosts ? boosts[hit[0]] : 1) * tf * (1.2 + 1) / (tf + norm);
        var e = scores[hit[0]];
        if (!e) { e = scores[hit[0]] = [0, 0]; ids.push(hit[0]); }
        e[0] += 1;
        e[1] += idf * weight;
      });
    });
    return ids.sort(function (a, b) {
      return (scores[b][0] - scores[a][0]) || (scores[b][1] - scores[a][1]) || (a - b);
    });
  }

  function start(form) {
    var base = form.getAttribute("data-index");
    var input = form.querySelector("input");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var meta = null;
    function json(path, options) {
      return fetch(base + path, options).then(function (r) { if (!r.ok) throw new Error(path); return r.json(); });
    }
    function say(text) { status.textContent = text; }
    function run(query) {
      list.textContent = "";
      var terms = queryTerms(query);
      if (!terms.length || (terms.length === 1 && terms[0].length === 1 && terms[0].charCodeAt(0) > 127)) {
        say(query.trim() ? "请至少输入两个字，例如“退货”“证据”。" : "");
        return;
      }
      say("正在搜索……");
      // meta.json has no digest in its name but says how the shards are cut and how long each page is: asked
      // again of the server on each visit (a cached copy that outlived its index would fetch the wrong shards).
      (meta ? Promise.resolve(meta)
        : json("meta.json", { cache: "no-cache" }).then(function (m) { meta = m; return m; }))
        .then(function (m) {
          var shards = {};
          terms.forEach(function (t) { shards[shardName(t, m.bits)] = true; });
          return Promise.all(Object.keys(shards).map(function (s) { return json("terms/" + s + ".json"); }))
            .then(function (parts) {
              var postings = {};
              parts.forEach(function (p) {
                terms.forEach(function (t) { if (Object.prototype.hasOwnProperty.call(p, t)) postings[t] = p[t]; });
              });
              var ids = rank(terms, postings, m).slice(0, 20);
              var chunks = {};
              ids.forEach(function (id) { chunks[Math.floor(id / m.chunk)] = true; });
              return Promise.all(Object.keys(chunks).map(function (c) {
                return json("docs/" + c + ".json").then(function (d) { return [Number(c), d]; });
              })).then(function (loaded) {
                var docs = {};
                loaded.forEach(function (pair) { docs[pair[0]] = pair[1]; });
                show(query, ids.map(function (id) { return docs[Math.floor(id / m.chunk)][id % m.chunk]; }));
              });
            });
        })
        .catch(function () { say("搜索暂时无法使用，请稍后再试，或从指南目录查找。"); });
    }
    function show(query, docs) {
      if (!docs.length) { say("没有找到与“" + query.trim() + "”相关的内容。换个说法试试，或只输入两三个关键字。"); return; }
      say("找到 " + docs.length + " 条与“" + query.trim() + "”相关的内容。");
      docs.forEach(function (doc) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = form.getAttribute("data-root") + doc.url;
        a.textContent = doc.title;
        a.className = "result-title";
        var kind = document.createElement("span");
        kind.className = "badge";
        kind.textContent = doc.kind;
        var p = document.createElement("p");
        p.className = "meta";
        p.textContent = doc.excerpt;
        li.appendChild(kind);
        li.appendChild(a);
        li.appendChild(p);
        list.appendChild(li);
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = input.value;
      history.replaceState(null, "", "?q=" + encodeURIComponent(q));
      run(q);
    });
    var initial = new URLSearchParams(location.search).get("q");
    if (initial) { input.value = initial; run(initial); }
  }

  if (typeof document !== "undefined") {
    var form = document.getElementById("search");
    if (form) start(form);
  }
  return { tokens: tokens, queryTerms: queryTerms, shardName: shardName, rank: rank, fnv1a: fnv1a, ln: ln };
});

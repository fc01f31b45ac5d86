/* Complaint-number lookup. The number rules mirror kspages/numbers.py; tests/test_numbers_js.py holds them equal. */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) { module.exports = api; }
  else { root.KSLookup = api; api.start(root.document); }
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";
  var PREFIX = "KS";
  var BODY = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  var CHECK = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var BODY_LENGTH = 8;
  var SEPARATORS = " \t\n\r\f\v-_.\u00b7\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fb";
  var CONFUSABLES = { O: "0", I: "1", L: "1" };

  function normalise(text) {
    var folded = String(text).normalize("NFKC").toUpperCase();
    var out = "";
    for (var ch of folded) {  // by code point, as Python iterates a str
      if (SEPARATORS.indexOf(ch) >= 0) { continue; }
      out += CONFUSABLES[ch] || ch;
    }
    if (out.length === BODY_LENGTH + 1 + PREFIX.length && out.indexOf(PREFIX) === 0) {
      out = out.slice(PREFIX.length);
    }
    return out;
  }

  // ISO 7064 MOD 37,36, as python-stdnum's iso7064.mod_37_36.calc_check_digit.
  function checkChar(body) {
    var m = CHECK.length, c = m / 2;
    for (var i = 0; i < body.length; i++) {
      c = (((c || m) * 2) % (m + 1) + CHECK.indexOf(body[i])) % m;
    }
    return CHECK[(1 - ((c || m) * 2) % (m + 1) + m) % m];
  }

  function format(compact) {
    return PREFIX + "-" + compact.slice(0, 4) + "-" + compact.slice(4, 8) + "-" + compact.slice(8);
  }

  function check(text) {
    var c = normalise(text);
    if (Array.from(c).length !== BODY_LENGTH + 1) { return { verdict: "malformed", number: null }; }
    for (var i = 0; i < c.length; i++) {
      if (BODY.indexOf(c[i]) < 0) { return { verdict: "malformed", number: null }; }
    }
    if (checkChar(c.slice(0, BODY_LENGTH)) !== c[BODY_LENGTH]) { return { verdict: "bad_check", number: null }; }
    return { verdict: "ok", number: format(c) };
  }

  // A platform order number: 15 to 19 digits (separators and full-width digits allowed), never a complaint number.
  function isOrderNumber(text) {
    var out = "";
    for (var ch of String(text).normalize("NFKC")) {
      if (SEPARATORS.indexOf(ch) < 0) { out += ch; }
    }
    return /^[0-9]{15,19}$/.test(out);
  }

  // 32-bit FNV-1a over the ASCII bytes of the canonical number (no crypto.subtle: it needs a secure context).
  function shardHash(number) {
    var h = 0x811c9dc5;
    for (var i = 0; i < number.length; i++) {
      h ^= number.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  function shardName(number, bits) {
    var width = Math.ceil(bits / 4);
    var s = (shardHash(number) >>> (32 - bits)).toString(16);
    while (s.length < width) { s = "0" + s; }
    return s;
  }

  function el(doc, tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }  // textContent only: nothing from data is parsed as HTML
    return e;
  }

  function show(doc, box, parts) {
    box.textContent = "";
    parts.forEach(function (p) { box.appendChild(p); });
    box.focus();
  }

  function message(doc, cls, title, body) {
    var div = el(doc, "div", "result " + cls);
    div.appendChild(el(doc, "h2", null, title));
    if (body) { div.appendChild(el(doc, "p", null, body)); }
    return div;
  }

  // Whole days from a YYYY-MM-DD date to the later of today and the build's day.
  function daysSince(day, asOf, now) {
    function utc(text) { var p = text.split("-"); return Date.UTC(+p[0], +p[1] - 1, +p[2]); }
    var today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
    if (asOf) { today = Math.max(today, utc(asOf)); }
    return Math.floor((today - utc(day)) / 86400000);
  }

  // Which next step a found entry gets: its status, or "pending-late" once it has waited longer than nine in ten
  // decided complaints of its category took.
  function nextStep(e, figures, now) {
    var p90 = null, days = null;
    if (e.status === "pending") {
      var all = figures.p90_days || {};
      p90 = all[e.category] !== undefined ? all[e.category] : (all.all !== undefined ? all.all : null);
      days = daysSince(e.received, figures.as_of, now);
      if (p90 !== null && days > p90) { return { key: "pending-late", p90: p90, days: days }; }
    }
    return { key: e.status, p90: p90, days: days };
  }

  // A copy of the page's <template id="next-..."> with its figures filled in (textContent only).
  function stepPart(doc, id, fill) {
    var t = doc.getElementById(id);
    var frag = doc.createDocumentFragment();
    if (!t || !t.content) { return frag; }
    frag.appendChild(t.content.cloneNode(true));
    Array.prototype.forEach.call(frag.querySelectorAll("[data-only]"), function (n) {
      if (fill[n.getAttribute("data-only")] === null || fill[n.getAttribute("data-only")] === undefined) {
        n.parentNode.removeChild(n);
      }
    });
    Array.prototype.forEach.call(frag.querySelectorAll("[data-fill]"), function (n) {
      var v = fill[n.getAttribute("data-fill")];
      if (v !== null && v !== undefined) { n.textContent = String(v); }
    });
    return frag;
  }

  function renderEntry(doc, number, e, labels, root, figures) {
    var step = nextStep(e, figures || {}, new Date());
    var div = el(doc, "div", "result found is-" + step.key);
    div.appendChild(el(doc, "h2", null, "投诉编号 " + number));
    var badge = el(doc, "p", "current");
    badge.appendChild(doc.createTextNode("当前状态："));
    badge.appendChild(el(doc, "span", "badge status-" + e.status, labels.status[e.status] || e.status));
    if (e.outcome) { badge.appendChild(doc.createTextNode("（" + (labels.outcome[e.outcome] || e.outcome) + "）")); }
    div.appendChild(badge);
    var next = el(doc, "section", "next-step");
    next.appendChild(el(doc, "h3", null, step.key === "pending-late" ? "等得太久了？下一步这样做" : "下一步"));
    var last = e.timeline.length ? e.timeline[e.timeline.length - 1] : {};
    var reason = null;
    if (e.status === "rejected") {
      var rt = doc.getElementById("reason-" + (last.reason || "other")) || doc.getElementById("reason-other");
      reason = rt ? rt.content.textContent.trim() : null;
    }
    next.appendChild(stepPart(doc, "next-" + step.key, { p90: step.p90, days: step.days, reason: reason }));
    if (e.notice) {
      var p = el(doc, "p");
      var a = el(doc, "a", null, "查看处理结果公示");
      a.href = root + e.notice;
      p.appendChild(a);
      next.appendChild(p);
    }
    div.appendChild(next);  // first, above the facts: on a phone it is what the reader sees
    var dl = el(doc, "dl", "facts");
    [["被投诉店铺", e.merchant], ["问题类型", labels.category[e.category] || e.category],
     ["反映渠道", labels.channel[e.channel] || e.channel], ["受理日期", e.received]].forEach(function (row) {
      dl.appendChild(el(doc, "dt", null, row[0]));
      dl.appendChild(el(doc, "dd", null, row[1]));
    });
    div.appendChild(dl);
    div.appendChild(el(doc, "h3", null, "处理经过"));
    var ol = el(doc, "ol", "timeline");
    e.timeline.forEach(function (t) {
      var li = el(doc, "li");
      li.appendChild(el(doc, "time", null, t.date));
      li.appendChild(doc.createTextNode(" "));
      li.appendChild(el(doc, "span", "badge status-" + t.status, labels.status[t.status] || t.status));
      if (t.reason) { li.appendChild(el(doc, "span", "reason", "原因：" + (labels.reason[t.reason] || t.reason))); }
      if (t.note) { li.appendChild(el(doc, "p", null, t.note)); }
      ol.appendChild(li);
    });
    div.appendChild(ol);
    return div;
  }

  function lookup(doc, form, box, labels, typed, figures) {
    if (isOrderNumber(typed)) {
      var order = message(doc, "order", "这是订单号，不是投诉编号");
      order.appendChild(stepPart(doc, "next-order", {}));
      show(doc, box, [order]);
      return;
    }
    var result = check(typed);
    if (result.verdict === "malformed") {
      show(doc, box, [message(doc, "error", "格式不正确",
        "投诉编号形如 KS-7K3M-9Q2D-X：KS 后面是 9 个字母或数字。请对照我们给您的回复重新输入。")]);
      return;
    }
    if (result.verdict === "bad_check") {
      show(doc, box, [message(doc, "error", "编号中有一位可能输错了",
        "请对照我们给您的回复，逐位核对后再查询。容易看错的有 8 和 B、5 和 S、2 和 Z。")]);
      return;
    }
    var number = result.number;
    var bits = parseInt(form.getAttribute("data-shard-bits"), 10);
    var url = form.getAttribute("data-shards") + shardName(number, bits) + ".json";
    show(doc, box, [message(doc, "loading", "正在查询…")]);
    fetch(url, { cache: "no-cache" }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (data) {
      var entry = data.entries[number];
      if (!entry) {
        show(doc, box, [message(doc, "missing", "未找到该编号",
          "编号 " + number + " 格式正确，但本站暂无记录。刚提交的投诉可能还未录入，请过几天再查；" +
          "也可以在 App 的“我的订单”或“投诉记录”中查看进度，或联系平台客服。")]);
        return;
      }
      show(doc, box, [renderEntry(doc, number, entry, labels, "../", figures)]);
    }).catch(function () {
      show(doc, box, [message(doc, "error", "暂时无法查询", "网络连接出现问题，请稍后重试。")]);
    });
  }

  function start(doc) {
    if (!doc) { return; }
    var form = doc.getElementById("lookup");
    if (!form) { return; }
    var input = doc.getElementById("n");
    var box = doc.getElementById("result");
    box.setAttribute("tabindex", "-1");
    var labels = JSON.parse(doc.getElementById("labels").textContent);
    var data = doc.getElementById("figures");
    var figures = data ? JSON.parse(data.textContent) : {};
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var typed = input.value;
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "?n=" + encodeURIComponent(typed));
      }
      lookup(doc, form, box, labels, typed, figures);
    });
    var fromUrl = new URLSearchParams(window.location.search).get("n");
    if (fromUrl) {
      input.value = fromUrl;
      lookup(doc, form, box, labels, fromUrl, figures);
    }
  }

  return { normalise: normalise, check: check, checkChar: checkChar, shardHash: shardHash,
           shardName: shardName, isOrderNumber: isOrderNumber, nextStep: nextStep, start: start };
}));

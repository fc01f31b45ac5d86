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

  function renderEntry(doc, number, e, labels, root) {
    var div = el(doc, "div", "result found");
    div.appendChild(el(doc, "h2", null, "投诉编号 " + number));
    var badge = el(doc, "p", "current");
    badge.appendChild(doc.createTextNode("当前状态："));
    badge.appendChild(el(doc, "span", "badge status-" + e.status, labels.status[e.status] || e.status));
    if (e.outcome) { badge.appendChild(doc.createTextNode("（" + (labels.outcome[e.outcome] || e.outcome) + "）")); }
    div.appendChild(badge);
    var dl = el(doc, "dl", "facts");
    [["被投诉店铺", e.merchant], ["问题类型", labels.category[e.category] || e.category],
     ["投诉渠道", labels.channel[e.channel] || e.channel], ["受理日期", e.received]].forEach(function (row) {
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
    if (e.notice) {
      var p = el(doc, "p");
      var a = el(doc, "a", null, "查看处理结果公示");
      a.href = root + e.notice;
      p.appendChild(a);
      div.appendChild(p);
    } else if (["resolved", "rejected", "withdrawn"].indexOf(e.status) < 0) {
      div.appendChild(el(doc, "p", "help", "投诉仍在处理中，请稍后再来查询。"));
    }
    return div;
  }

  function lookup(doc, form, box, labels, typed) {
    var result = check(typed);
    if (result.verdict === "malformed") {
      show(doc, box, [message(doc, "error", "格式不正确",
        "投诉编号形如 KS-7K3M-9Q2D-X：KS 后面是 9 个字母或数字。请对照受理短信或回执重新输入。")]);
      return;
    }
    if (result.verdict === "bad_check") {
      show(doc, box, [message(doc, "error", "校验位不符，请核对",
        "编号中可能有字符输错（例如 8 和 B、5 和 S、2 和 Z）。请逐个字符核对后再查询。")]);
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
      show(doc, box, [renderEntry(doc, number, entry, labels, "../")]);
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
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var typed = input.value;
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "?n=" + encodeURIComponent(typed));
      }
      lookup(doc, form, box, labels, typed);
    });
    var fromUrl = new URLSearchParams(window.location.search).get("n");
    if (fromUrl) {
      input.value = fromUrl;
      lookup(doc, form, box, labels, fromUrl);
    }
  }

  return { normalise: normalise, check: check, checkChar: checkChar, shardHash: shardHash,
           shardName: shardName, start: start };
}));

/* Site search on the Pagefind index written by `sitegen build`.
   Everything shown, the excerpt included, is built with textContent: no text reaches an HTML parser.
   A query that is a document's 文号 or 索引号 puts that document first (the "number" filter of the index);
   excerpts are cut from the article's text only, at a sentence, with the query's words marked. */
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root) { return; }
  var form = root.querySelector("form");
  var input = root.querySelector("input[name=q]");
  var status = root.querySelector(".search-status");
  var list = root.querySelector(".search-results");
  var more = root.querySelector(".search-more");
  var selects = Array.prototype.slice.call(root.querySelectorAll("select[data-filter]"));
  var sortSelect = root.querySelector("select[name=sort]");
  var PAGE = 10;
  var pagefind = null, t2s = null, pending = [], shown = 0, generation = 0;
  var EXCERPT = 90;  // characters of text around the first match

  function say(text) { status.textContent = text; }

  function load() {
    if (pagefind) { return Promise.resolve(pagefind); }
    return import(root.getAttribute("data-index") + "pagefind.js").then(function (pf) {
      // the index holds root-relative URLs already; without this Pagefind prefixes its own folder
      return pf.options({ baseUrl: "/", excerptLength: 36 }).then(function () { return pf.filters(); }).then(function (filters) {
        fillFilters(filters);
        pagefind = pf;
        return pf;
      });
    });
  }

  function fillFilters(filters) {
    var wanted = new URLSearchParams(location.search);
    selects.forEach(function (select) {
      var key = select.getAttribute("data-filter");
      var values = Object.keys(filters[key] || {}).sort(function (a, b) {
        return key === "year" ? b.localeCompare(a) : a.localeCompare(b, "zh-CN");
      });
      values.forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = value + "（" + filters[key][value] + "）";
        select.appendChild(option);
      });
      if (!values.length) { select.parentNode.hidden = true; }
      if (wanted.get(key)) { select.value = wanted.get(key); }
    });
  }

  function simplified(text) {
    if (t2s) { return Promise.resolve(convert(text)); }
    return fetch(root.getAttribute("data-t2s")).then(function (r) { return r.ok ? r.json() : {}; })
      .catch(function () { return {}; })
      .then(function (map) { t2s = map; return convert(text); });
  }
  function convert(text) { return Array.from(text).map(function (c) { return t2s[c] || c; }).join(""); }

  // 文号 and 索引号 as the index keeps them (sitegen/outputs/theme.py number_key): no spaces, brackets as 〔〕
  function numberKey(text) {
    return text.replace(/\s+/g, "").replace(/[［\[（(【]/g, "〔").replace(/[］\]）)】]/g, "〕");
  }
  function looksLikeNumber(text) { return /\d/.test(text) && /[〔〕\/号-]/.test(text); }

  // the search as asked, and, for a query shaped like a 文号 or 索引号, the documents that carry exactly it first
  function find(pf, query, options) {
    var key = numberKey(query);
    var exact = looksLikeNumber(key)
      ? pf.search(null, { filters: Object.assign({}, options.filters, { number: key }) })
      : Promise.resolve({ results: [] });
    return Promise.all([exact, pf.search(query, options)]).then(function (found) {
      var seen = {};
      var results = found[0].results.concat(found[1].results).filter(function (r) {
        if (seen[r.id]) { return false; }
        seen[r.id] = true;
        return true;
      });
      return { results: results };
    });
  }

  function remember(raw) {
    var params = new URLSearchParams();
    if (raw) { params.set("q", raw); }
    selects.forEach(function (s) { if (s.value) { params.set(s.getAttribute("data-filter"), s.value); } });
    if (sortSelect.value) { params.set("sort", sortSelect.value); }
    history.replaceState(null, "", "?" + params.toString());
  }

  function run() {
    var raw = input.value.trim();
    var mine = ++generation;
    list.textContent = "";
    more.hidden = true;
    remember(raw);
    if (!raw) { say("请输入要搜索的内容。"); return; }
    if (Array.from(raw.replace(/\s+/g, "")).length < 2) { say("请至少输入两个字，以便找到准确的结果。"); return; }
    say("正在搜索……");
    var query;
    simplified(raw).then(function (q) { query = q; return load(); }).then(function (pf) {
      var filters = {};
      selects.forEach(function (s) { if (s.value) { filters[s.getAttribute("data-filter")] = s.value; } });
      var options = { filters: filters };
      if (sortSelect.value === "date") { options.sort = { date: "desc" }; }
      return find(pf, query, options);
    }).then(function (search) {
      if (mine !== generation) { return; }
      pending = search.results;
      shown = 0;
      var note = query !== raw ? "（已按简体“" + query + "”搜索）" : "";
      if (!pending.length) {
        say("没有找到与“" + raw + "”相关的信息" + note + "。请换一个关键词，或减少筛选条件。");
        return;
      }
      say("找到 " + pending.length + " 条与“" + raw + "”相关的信息" + note + "。");
      return showMore(mine);
    }).catch(function () {
      say("搜索暂时无法使用，请稍后再试，或通过栏目导航浏览信息。");
    });
  }

  function showMore(mine) {
    var batch = pending.slice(shown, shown + PAGE);
    shown += batch.length;
    more.hidden = shown >= pending.length;
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (items) {
      if (mine !== generation) { return; }
      items.forEach(function (data) { list.appendChild(render(data, terms(), matched(data))); });
    });
  }

  function terms() {
    var q = input.value.trim();
    return (t2s ? convert(q) : q).split(/\s+/).filter(function (t) { return Array.from(t).length >= 2; });
  }

  // the words Pagefind matched in this page: its index splits Chinese text into words, so a query's words may stand
  // apart in the text ("财政资金监督" finds "财政专项资金……监督"); single characters are left unmarked
  function matched(data) {
    var raw = data.raw_content || "";
    var words = raw.indexOf("\u200B") >= 0 ? raw.split("\u200B") : raw.split(/\s+/);
    var seen = {};
    (data.locations || []).forEach(function (i) {
      // Pagefind escapes < and > in its raw text; the word is shown with textContent
      var word = (words[i] || "").trim().replace(/&lt;/g, "<").replace(/&gt;/g, ">");
      if (Array.from(word).length >= 2) { seen[word] = true; }
    });
    return Object.keys(seen);
  }

  // the article's text as indexed, without its title (Pagefind puts the title first, then ". ")
  function bodyText(data) {
    var text = data.content || "";
    var title = data.meta.title || "";
    if (title && text.indexOf(title) === 0) { text = text.slice(title.length).replace(/^[.。]?\s*/, ""); }
    // blocks are joined with ". ": drop it after Chinese punctuation, a space after a Chinese heading
    return text.replace(/([。！？；：，、”」』）])\. /g, "$1").replace(/([\u3400-\u9fff\uff00-\uffef])\. /g, "$1 ")
      .replace(/\s+/g, " ").trim();
  }

  function first(text, words) {
    var at = -1;
    words.forEach(function (w) { var i = text.indexOf(w); if (i >= 0 && (at < 0 || i < at)) { at = i; } });
    return at;
  }

  // about EXCERPT characters from the sentence holding the first match of the query (else of a word Pagefind matched),
  // every match marked, the longest first
  function excerpt(text, query, found) {
    var at = first(text, query);
    if (at < 0) { at = first(text, found); }
    var words = query.concat(found.filter(function (w) { return query.indexOf(w) < 0; }))
      .sort(function (a, b) { return b.length - a.length; });
    var start = 0;
    if (at > 0) {
      var before = text.slice(Math.max(0, at - EXCERPT / 2), at);
      var stop = Math.max(before.lastIndexOf("。"), before.lastIndexOf("！"), before.lastIndexOf("？"), before.lastIndexOf("；"));
      start = stop >= 0 ? at - before.length + stop + 1 : Math.max(0, at - EXCERPT / 3);
    }
    var piece = text.slice(start, start + EXCERPT);
    var p = document.createElement("p");
    p.className = "excerpt";
    var pattern = words.length ? new RegExp(words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|"), "g") : null;
    var last = 0, m;
    if (start > 0) { p.appendChild(document.createTextNode("…")); }
    while (pattern && (m = pattern.exec(piece)) !== null) {
      p.appendChild(document.createTextNode(piece.slice(last, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      p.appendChild(mark);
      last = m.index + m[0].length;
    }
    p.appendChild(document.createTextNode(piece.slice(last) + (start + EXCERPT < text.length ? "…" : "")));
    return p;
  }

  function field(label, value) {
    var span = document.createElement("span");
    span.textContent = label + "：" + value;
    return span;
  }

  // 2026-11-10 as 2026年11月10日
  function chineseDate(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    return m ? m[1] + "年" + Number(m[2]) + "月" + Number(m[3]) + "日" : text;
  }

  function render(data, query, found) {
    var li = document.createElement("li");
    var h = document.createElement("h2");
    var a = document.createElement("a");
    a.href = data.url;
    a.textContent = data.meta.title || data.url;
    h.appendChild(a);
    li.appendChild(h);
    var text = bodyText(data);
    if (text) { li.appendChild(excerpt(text, query, found)); }
    var meta = document.createElement("p");
    meta.className = "result-meta";
    if (data.meta.site) { meta.appendChild(field("来源", data.meta.site)); }
    if (data.meta.site && data.meta.date) { meta.appendChild(document.createTextNode(" ")); }  // read apart, not run on
    if (data.meta.date) { meta.appendChild(field("发布日期", chineseDate(data.meta.date))); }
    li.appendChild(meta);
    return li;
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  selects.concat([sortSelect]).forEach(function (s) { s.addEventListener("change", function () { if (input.value.trim()) { run(); } }); });
  more.addEventListener("click", function () { showMore(generation); });

  var params = new URLSearchParams(location.search);
  if (params.get("sort")) { sortSelect.value = params.get("sort"); }
  if (params.get("q")) {
    input.value = params.get("q");
    load().then(run, run);
  }
})();

/* Site search on the Pagefind indexes written by `sitegen build`: a site searches its own index, the portal merges
   every site's index into its own and leaves out the copies a site's columns adopted (found at their origin).
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
  var mergeData = root.querySelector("script.search-merge");
  var merged = mergeData ? JSON.parse(mergeData.textContent) : [];
  var PAGE = 10;
  var pagefind = null, t2s = null, take = null, total = 0, shown = 0, generation = 0, indexes = 1;
  var EXCERPT = 90;  // characters of text around the first match
  var WAIT = 4000;  // milliseconds a site's index may take to answer before the cluster's search goes on without it

  function say(text) { status.textContent = text; }

  function load() {
    if (pagefind) { return Promise.resolve(pagefind); }
    return import(root.getAttribute("data-index") + "pagefind.js").then(function (pf) {
      // the index holds root-relative URLs already; without this Pagefind prefixes its own folder.
      // Each index carries a synthetic "index" filter: results sorted by date are merged index by index.
      return pf.options({ baseUrl: "/", excerptLength: 36, mergeFilter: { index: "0" } })
        .then(function () { return mergeAll(pf); })
        .then(counts)
        .then(function (filters) { return filters || pf.filters(); })
        .then(function (filters) {
          fillFilters(filters);
          pagefind = pf;
          return pf;
        });
    });
  }

  // the other sites' indexes, each only if it answers in time (a site whose server is down or stalls must not stop
  // the cluster's search), all asked for at once
  function mergeAll(pf) {
    return Promise.all(merged.map(function (m) { return answers(m.index + "pagefind-entry.json"); })).then(function (answered) {
      var usable = merged.filter(function (m, i) { return answered[i]; });
      indexes = usable.length + 1;
      return Promise.all(usable.map(function (m, i) {
        return pf.mergeIndex(m.index, { baseUrl: m.base, mergeFilter: { index: String(i + 1) } });
      }));
    });
  }

  function answers(url) {
    var stop = new AbortController();
    var timer = setTimeout(function () { stop.abort(); }, WAIT);
    return fetch(url, { signal: stop.signal }).then(function (r) { return r.ok; }).catch(function () { return false; })
      .then(function (ok) { clearTimeout(timer); return ok; });
  }

  // the choices' counts as the build counted them (no filter files to download); null if they cannot be read
  function counts() {
    return fetch(root.getAttribute("data-counts")).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { return data && data.all; }).catch(function () { return null; });
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

  // the search as asked, and, for a query shaped like a 文号 or 索引号, the documents that carry exactly it first;
  // resolves to { count, take(n) -> the data of the next n results }
  function find(pf, query, options) {
    var key = numberKey(query);
    var exact = looksLikeNumber(key)
      ? pf.search(null, { filters: Object.assign({}, options.filters, { number: key }) })
      : Promise.resolve({ results: [] });
    var ordered = options.sort && indexes > 1 ? byIndex(pf, query, options) : pf.search(query, options).then(function (s) { return [s.results]; });
    return Promise.all([exact, ordered]).then(function (found) {
      var seen = {};
      function fresh(r) {
        if (seen[r.id]) { return false; }
        seen[r.id] = true;
        return true;
      }
      var lists = [found[0].results.filter(fresh)].concat(found[1].map(function (l) { return l.filter(fresh); }));
      return { count: lists.reduce(function (n, l) { return n + l.length; }, 0), take: newestFirst(lists) };
    });
  }

  // Pagefind orders merged results by score, which under a sort is each index's own order: search index by index
  function byIndex(pf, query, options) {
    var searches = [];
    for (var i = 0; i < indexes; i += 1) {
      var filters = Object.assign({}, options.filters, { index: String(i) });
      searches.push(pf.search(query, Object.assign({}, options, { filters: filters })));
    }
    return Promise.all(searches).then(function (all) { return all.map(function (s) { return s.results; }); });
  }

  // the results of several lists, each in order already, merged newest first (with one list: as it is)
  function newestFirst(lists) {
    var at = lists.map(function () { return 0; }), heads = lists.map(function () { return null; });
    function head(k) {
      if (!heads[k]) { heads[k] = lists[k][at[k]].data(); }
      return heads[k];
    }
    return function take(n, out) {
      out = out || [];
      var live = [];
      lists.forEach(function (l, k) { if (at[k] < l.length) { live.push(k); } });
      if (out.length >= n || !live.length) { return Promise.resolve(out); }
      // the first list holds the exact 文号 matches: they stay first
      var candidates = at[0] < lists[0].length ? [0] : live;
      if (candidates.length === 1) {  // one list left: the rest of the batch in its order, fetched together
        var k1 = candidates[0], batch = lists[k1].slice(at[k1], at[k1] + n - out.length);
        batch = batch.map(function (r, j) { return j === 0 ? head(k1) : r.data(); });
        at[k1] += batch.length;
        heads[k1] = null;
        return Promise.all(batch).then(function (data) { return take(n, out.concat(data)); });
      }
      return Promise.all(candidates.map(head)).then(function (data) {
        var best = 0;
        data.forEach(function (d, j) { if ((d.meta.date || "") > (data[best].meta.date || "")) { best = j; } });
        var k = candidates[best];
        out.push(data[best]);
        heads[k] = null;
        at[k] += 1;
        return take(n, out);
      });
    };
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
      if (merged.length) { filters.not = { copy: "1" }; }  // an adopted item is found in its own site's index
      var options = { filters: filters };
      if (sortSelect.value === "date") { options.sort = { date: "desc" }; }
      return find(pf, query, options);
    }).then(function (search) {
      if (mine !== generation) { return; }
      take = search.take;
      total = search.count;
      shown = 0;
      var note = query !== raw ? "（已按简体“" + query + "”搜索）" : "";
      if (!total) {
        say("没有找到与“" + raw + "”相关的信息" + note + "。请换一个关键词，或减少筛选条件。");
        return;
      }
      say("找到 " + total + " 条与“" + raw + "”相关的信息" + note + "。");
      return showMore(mine);
    }).catch(function () {
      say("搜索暂时无法使用，请稍后再试，或通过栏目导航浏览信息。");
    });
  }

  function showMore(mine) {
    more.hidden = true;
    return take(PAGE).then(function (items) {
      if (mine !== generation) { return; }
      shown += items.length;
      more.hidden = shown >= total;
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

/* Site search on the Pagefind index written by `sitegen build`.
   User input is only ever shown with textContent; excerpts come from the index. */
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
  var LABELS = { site: "站点", column: "栏目", year: "年份", topic: "主题" };

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
      return pf.search(query, options);
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
      items.forEach(function (data) { list.appendChild(render(data)); });
    });
  }

  function render(data) {
    var li = document.createElement("li");
    var h = document.createElement("h2");
    var a = document.createElement("a");
    a.href = data.url;
    a.textContent = data.meta.title || data.url;
    h.appendChild(a);
    var excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    excerpt.innerHTML = data.excerpt; // Pagefind escapes the text and adds <mark> around matches
    var meta = document.createElement("p");
    meta.className = "result-meta";
    meta.textContent = [data.meta.site, data.meta.date].filter(Boolean).join(" · ");
    li.appendChild(h);
    li.appendChild(excerpt);
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

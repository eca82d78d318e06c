/* Sortable tables: click (or press Enter on) a column header of table[data-sortable].
   A catalogue table names its export (data-source): sorting then orders the whole listing, not just the page shown.
   The script reads the export, keeps the listing's entries (data-key, data-value: a facet or a publisher), sorts
   them and shows them data-page-size at a time with a pager of its own. The order and page are in the address
   (#sort=written-desc&page=2), so the back button and a reload keep them.
   Without the script every page is complete and readable, newest first; if the export cannot be read, the rows
   shown are sorted. */
(function () {
  "use strict";
  var ORDER = { ascending: "升序", descending: "降序" };

  function compare(x, y) {
    return x.localeCompare(y, "zh-CN", { numeric: true });
  }
  function sorter(key, descending) {
    return function (a, b) {
      var x = key(a), y = key(b);
      if (!x || !y) { return x ? -1 : (y ? 1 : 0); }  // entries without the value last, either way
      return descending ? compare(y, x) : compare(x, y);
    };
  }
  function element(name, attributes, text) {
    var node = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (attr) { node.setAttribute(attr, attributes[attr]); });
    if (text) { node.textContent = text; }
    return node;
  }
  function visible(node, shown) {
    node.hidden = !shown;
  }
  function cell(row, label, text, className) {
    var td = element("td", { "data-label": label }, text);
    if (className) { td.className = className; }
    row.appendChild(td);
    return td;
  }

  function Catalogue(table) {
    this.table = table;
    this.body = table.tBodies[0];
    this.headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    this.original = { rows: Array.prototype.slice.call(this.body.rows), sorted: this.sortedHeader() };
    var wrapper = table.parentNode.classList.contains("table-scroll") ? table.parentNode : table;
    var next = wrapper.nextElementSibling;
    this.serverPager = next && next.classList.contains("pager") ? next : null;
    this.pager = element("nav", { "class": "pager", "aria-label": "分页" });
    visible(this.pager, false);
    wrapper.parentNode.insertBefore(this.pager, wrapper.nextSibling);
    this.status = element("p", { "class": "visually-hidden", role: "status", "aria-live": "polite" });
    wrapper.parentNode.insertBefore(this.status, wrapper);
    this.state = table.caption ? table.caption.querySelector(".catalogue-state") : null;
    this.initialState = this.state ? this.state.textContent : "";
    this.order = document.querySelector(".catalogue-order");  // the lead's words on the order shown
    this.initialOrder = this.order ? this.order.textContent : "";
    this.entries = null;
    this.sorting = false;
  }

  Catalogue.prototype.sortedHeader = function () {
    return this.headers.filter(function (th) { return th.hasAttribute("aria-sort"); })[0] || null;
  };

  Catalogue.prototype.request = function (th) {
    var descending = th.getAttribute("aria-sort") !== "descending";
    var wanted = "#sort=" + th.getAttribute("data-field") + "-" + (descending ? "desc" : "asc");
    if (location.hash === wanted) { this.show(false); return; }
    this.sorting = true;  // the focus stays on the header; a pager link moves it to the table
    location.hash = wanted;
  };

  Catalogue.prototype.load = function () {
    if (!this.entries) {
      var t = this.table, key = t.getAttribute("data-key"), value = t.getAttribute("data-value");
      this.entries = fetch(t.getAttribute("data-source"))
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (doc) {
          return doc.entries.filter(function (e) { return !key || facet(e, key) === value; });
        });
    }
    return this.entries;
  };

  function facet(entry, key) {
    if (key === "topic") { return entry.topic.split("\\")[0]; }
    if (key === "year") { return entry.published.slice(0, 4); }
    return entry[key];
  }

  function parse(hash) {
    var found = /^#sort=([a-z_]+)-(asc|desc)(?:&page=(\d+))?$/.exec(hash);
    return found ? { field: found[1], descending: found[2] === "desc", page: parseInt(found[3] || "1", 10) } : null;
  }

  /* Show what the address asks for: a sorted page of the whole listing, or the page as built. */
  Catalogue.prototype.show = function (scroll) {
    var wanted = parse(location.hash), self = this;
    var th = wanted && this.headers.filter(function (h) { return h.getAttribute("data-field") === wanted.field; })[0];
    if (!th) { return this.restore(); }
    this.load().then(function (entries) {
      var sorted = entries.slice().sort(sorter(function (e) { return e[wanted.field] || ""; }, wanted.descending));
      self.render(sorted, wanted, th);
      if (scroll) { self.table.scrollIntoView(); self.table.focus(); }
    }, function () {
      self.sortRows(th, wanted.descending);  // no export here: the rows shown are all it can sort
    });
  };

  Catalogue.prototype.mark = function (th, descending) {
    this.headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    if (th) { th.setAttribute("aria-sort", descending ? "descending" : "ascending"); }
  };

  Catalogue.prototype.restore = function () {
    var body = this.body;
    body.textContent = "";
    this.original.rows.forEach(function (row) { body.appendChild(row); });
    this.mark(this.original.sorted, true);
    visible(this.pager, false);
    if (this.serverPager) { visible(this.serverPager, true); }
    if (this.state) { this.state.textContent = this.initialState; }
    if (this.order) { this.order.textContent = this.initialOrder; }
  };

  Catalogue.prototype.render = function (sorted, wanted, th) {
    var size = parseInt(this.table.getAttribute("data-page-size"), 10) || 50;
    var pages = Math.max(1, Math.ceil(sorted.length / size));
    var number = Math.min(Math.max(1, wanted.page), pages);
    var body = this.body, self = this;
    body.textContent = "";
    sorted.slice((number - 1) * size, number * size).forEach(function (e) { body.appendChild(self.row(e)); });
    this.mark(th, wanted.descending);
    var order = "按" + th.textContent + ORDER[wanted.descending ? "descending" : "ascending"] + "排列";
    var said = "已" + order + "全部 " + sorted.length + " 条" + (pages > 1 ? "，第 " + number + " 页，共 " + pages + " 页" : "");
    if (this.state) { this.state.textContent = "，" + said; }
    if (this.order) { this.order.textContent = "，" + order + (pages > 1 ? "，每页 " + size + " 条" : ""); }
    this.status.textContent = said;
    this.drawPager(wanted, number, pages);
  };

  Catalogue.prototype.link = function (url) {
    var origin = this.table.getAttribute("data-origin");
    return origin && url.indexOf(origin + "/") === 0 ? url.slice(origin.length) : url;
  };

  Catalogue.prototype.row = function (e) {
    var tr = document.createElement("tr");
    cell(tr, "索引号", e.index_no, "nowrap");
    var title = cell(tr, "标题", "", "title");
    title.appendChild(element("a", { href: this.link(e.url) }, e.title));
    if (e.mode === "依申请公开") {
      title.appendChild(document.createTextNode(" "));
      title.appendChild(element("span", { "class": "badge badge-muted" }, "依申请公开"));
    }
    cell(tr, "文号", e.doc_no, "nowrap");
    cell(tr, "发布机构", e.publisher);
    cell(tr, "成文日期", e.written, "nowrap");
    cell(tr, "发布日期", "", "nowrap").appendChild(element("time", { datetime: e.published }, e.published));
    cell(tr, "有效性", e.validity, "nowrap validity-" + e.validity);
    return tr;
  };

  Catalogue.prototype.drawPager = function (wanted, number, pages) {
    var nav = this.pager, base = "#sort=" + wanted.field + "-" + (wanted.descending ? "desc" : "asc");
    nav.textContent = "";
    if (this.serverPager) { visible(this.serverPager, false); }
    visible(nav, pages > 1);
    function go(n, text, rel) {
      var a = element("a", { href: base + (n > 1 ? "&page=" + n : "") }, text || String(n));
      if (rel) { a.setAttribute("rel", rel); }
      nav.appendChild(a);
    }
    if (number > 1) { go(number - 1, "上一页", "prev"); }
    var shown = 0;
    for (var n = 1; n <= pages; n++) {
      if (n !== 1 && n !== pages && Math.abs(n - number) > 2) {
        if (shown !== -1) { nav.appendChild(element("span", { "class": "pager-gap", "aria-hidden": "true" }, "…")); }
        shown = -1;
        continue;
      }
      shown = n;
      if (n === number) { nav.appendChild(element("span", { "aria-current": "page" }, String(n))); } else { go(n); }
    }
    if (number < pages) { go(number + 1, "下一页", "next"); }
    nav.appendChild(element("span", { "class": "pager-total" }, "共 " + pages + " 页"));
  };

  /* Without an export (an ordinary sortable table, or no connection to it): sort the rows shown. */
  Catalogue.prototype.sortRows = function (th, descending) {
    var index = this.headers.indexOf(th), body = this.body;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(sorter(function (row) { return (row.cells[index].getAttribute("data-sort") || row.cells[index].textContent).trim(); },
      descending));
    rows.forEach(function (row) { body.appendChild(row); });
    this.mark(th, descending);
  };

  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), function (table) {
    var catalogue = new Catalogue(table);
    var paged = table.hasAttribute("data-source");
    if (paged) { table.setAttribute("tabindex", "-1"); }
    catalogue.headers.forEach(function (th) {
      var button = element("button", { type: "button", "class": "sort" }, th.textContent);
      button.addEventListener("click", function () {
        if (paged) { catalogue.request(th); } else { catalogue.sortRows(th, th.getAttribute("aria-sort") !== "descending"); }
      });
      th.textContent = "";
      th.appendChild(button);
    });
    if (paged) {
      window.addEventListener("hashchange", function () {
        var scroll = !catalogue.sorting;
        catalogue.sorting = false;
        catalogue.show(scroll);
      });
      if (parse(location.hash)) { catalogue.show(false); }
    }
  });
})();

/* 长辈版 (care mode) and the 字号 control: the reader's choice, kept across the site's pages.
   Loaded in <head> so that the choice applies before the first paint; every page is complete without it. */
(function () {
  "use strict";
  var root = document.documentElement;
  function get(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
  function put(key, value) {
    try {
      if (value) { window.localStorage.setItem(key, value); } else { window.localStorage.removeItem(key); }
    } catch (e) { /* storage refused (private mode): the choice lasts for this page */ }
  }
  if (get("sitegen-care") === "1") { root.classList.add("care"); }
  var size = get("sitegen-size");
  if (size) { root.setAttribute("data-size", size); }

  document.addEventListener("DOMContentLoaded", function () {
    var care = document.querySelector("[data-care]");
    if (care) {
      var sync = function () { care.setAttribute("aria-pressed", root.classList.contains("care") ? "true" : "false"); };
      sync();
      care.hidden = false;
      care.addEventListener("click", function () {
        root.classList.toggle("care");
        put("sitegen-care", root.classList.contains("care") ? "1" : "");
        sync();
      });
    }
    var sizes = document.querySelector("[data-sizes]");
    if (sizes) {
      var buttons = sizes.querySelectorAll("button");
      var mark = function () {
        var current = root.getAttribute("data-size") || "";
        buttons.forEach(function (b) { b.setAttribute("aria-pressed", b.getAttribute("data-size") === current ? "true" : "false"); });
      };
      buttons.forEach(function (b) {
        b.addEventListener("click", function () {
          var chosen = b.getAttribute("data-size");
          if (chosen) { root.setAttribute("data-size", chosen); } else { root.removeAttribute("data-size"); }
          put("sitegen-size", chosen);
          mark();
        });
      });
      mark();
      sizes.hidden = false;
    }
  });
}());

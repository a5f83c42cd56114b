/* Person/user picker (org/_person_picker.html; results are spans/buttons so the picker may sit inside a <p> or <label>): type to search within your scope, click to choose.
   No inline script: this file binds every .picker on the page once. */
(function () {
  "use strict";
  function bind(box) {
    if (box.dataset.bound) return;
    box.dataset.bound = "1";
    var q = box.querySelector(".picker-q"), value = box.querySelector(".picker-value");
    var list = box.querySelector(".picker-results"), chosen = box.querySelector(".picker-chosen");
    var timer = null, seq = 0;
    function show(results) {
      list.innerHTML = "";
      if (!results.length) {
        var none = document.createElement("span");
        none.className = "muted picker-none";
        none.textContent = "没有可选的人员";
        list.appendChild(none);
      }
      results.forEach(function (r) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "picker-option";
        b.textContent = r.label;
        b.dataset.id = r.id;
        b.addEventListener("click", function () {
          value.value = r.id;
          q.value = r.label;
          chosen.textContent = "已选：" + r.label;
          list.hidden = true;
          value.dispatchEvent(new Event("change", { bubbles: true }));
        });
        list.appendChild(b);
      });
      list.hidden = false;
    }
    q.addEventListener("input", function () {
      value.value = "";
      chosen.textContent = "";
      clearTimeout(timer);
      var text = q.value.trim();
      if (!text) { list.hidden = true; return; }
      timer = setTimeout(function () {
        var mine = ++seq;
        fetch(box.dataset.pickerUrl + "&q=" + encodeURIComponent(text), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) { if (mine === seq) show(data.results || []); });
      }, 200);
    });
  }
  function all() { document.querySelectorAll(".picker").forEach(bind); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all); else all();
  document.addEventListener("htmx:afterSwap", all);
})();

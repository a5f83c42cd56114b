// Small behaviours every page may use, without inline script (CSP): a <select data-autosubmit>
// submits its form when changed.
document.addEventListener("change", function (e) {
  var t = e.target;
  if (t && t.matches && t.matches("[data-autosubmit]") && t.form) { t.form.submit(); }
});

/* Dashboard charts (驾驶舱): reads the figures the page passes with json_script; no inline script (CSP). */
(function () {
  "use strict";
  function draw() {
    if (!window.echarts) return;
    var source = document.getElementById("chart-data");
    if (!source) return;
    var data = JSON.parse(source.textContent || "{}");
    var grid = { left: 8, right: 16, top: 32, bottom: 8, containLabel: true };
    var build = {
      signin: function (d) {
        return { tooltip: { trigger: "axis" }, legend: { data: ["已签到", "未签到"] }, grid: grid,
          xAxis: { type: "category", data: d.names, axisLabel: { interval: 0, rotate: d.names.length > 4 ? 30 : 0 } },
          yAxis: { type: "value", minInterval: 1 },
          series: [{ name: "已签到", type: "bar", stack: "n", data: d.signed, itemStyle: { color: "#16a34a" } },
                   { name: "未签到", type: "bar", stack: "n", data: d.missing, itemStyle: { color: "#f59e0b" } }] };
      },
      trend: function (d) {
        return { tooltip: { trigger: "axis" }, legend: { data: ["缺勤", "请假"] }, grid: grid,
          xAxis: { type: "category", data: d.labels }, yAxis: { type: "value", minInterval: 1 },
          series: [{ name: "缺勤", type: "line", data: d.absent, itemStyle: { color: "#dc2626" } },
                   { name: "请假", type: "line", data: d.leave, itemStyle: { color: "#2563eb" } }] };
      },
      kpi: function (d) {
        return { tooltip: { trigger: "axis" }, grid: grid,
          xAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min / 50) * 50 - 50); } },
          yAxis: { type: "category", data: d.names },
          series: [{ name: "总得分", type: "bar", data: d.totals, itemStyle: { color: "#2563eb" },
                     label: { show: true, position: "right" } }] };
      }
    };
    var charts = [];
    document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      var kind = el.getAttribute("data-chart");
      if (!data[kind] || !build[kind]) return;
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build[kind](data[kind]));
      el.setAttribute("data-drawn", "1");
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();

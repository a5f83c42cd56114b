/* Progress chart for the township and county target dashboards (no inline script: CSP). */
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("progress-chart");
    var src = document.getElementById("progress-data");
    if (!el || !src || !window.echarts) { return; }
    var d = JSON.parse(src.textContent);
    var chart = window.echarts.init(el);
    chart.setOption({
      animation: false,
      tooltip: {trigger: "axis"},
      legend: {data: ["到期事项", "已验收", "不合格", "督办中", "逾期未改"]},
      grid: {left: 90, right: 20, top: 30, bottom: 20},
      xAxis: {type: "value", minInterval: 1},
      yAxis: {type: "category", data: d.names, inverse: true},
      series: [
        {name: "到期事项", type: "bar", data: d.due},
        {name: "已验收", type: "bar", data: d.inspected},
        {name: "不合格", type: "bar", data: d.failed},
        {name: "督办中", type: "bar", data: d.open},
        {name: "逾期未改", type: "bar", data: d.overdue}
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();

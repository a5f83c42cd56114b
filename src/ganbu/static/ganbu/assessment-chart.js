// Assessment results: one bar chart per table, data from the page's json_script block.
(function () {
  var el0 = document.getElementById("assessment-chart");
  if (!el0) { return; }
  var data = JSON.parse(el0.textContent);
  document.querySelectorAll(".chart").forEach(function (el) {
    var d = data[el.dataset.label]; if (!d || !window.echarts) return;
    var chart = echarts.init(el);
    chart.setOption({animation: false, grid: {left: 80, right: 30, top: 10, bottom: 20}, xAxis: {type: "value", max: 1000},
      yAxis: {type: "category", inverse: true, data: d.names}, series: [{type: "bar", data: d.totals, label: {show: true, position: "right"}}]});
  });
})();

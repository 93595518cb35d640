// Draws an enterprise's yearly figures (in 亿元) from the JSON the page embeds.
(function () {
  var el = document.getElementById("figures-chart");
  if (!el || !window.echarts) { return; }
  var data = JSON.parse(el.dataset.chart);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v.toFixed(2) + " 亿元"; } },
    legend: { top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value", name: "亿元" },
    series: data.series.map(function (s) { return { name: s.name, type: "line", data: s.data, connectNulls: false }; })
  });
  el.dataset.ready = "1";
  window.addEventListener("resize", function () { chart.resize(); });
})();

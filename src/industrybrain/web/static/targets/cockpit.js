// The cockpit's charts: a gauge per headline target (value as % of its goal) and the ten
// clusters against their goals. Clicking a chart opens the target's page.
(function () {
  var holder = document.getElementById("cockpit-data");
  if (!holder || !window.echarts) { return; }
  var data = JSON.parse(holder.textContent);
  var colours = { achieved: "#2e7d32", on_track: "#1565c0", at_risk: "#ef6c00", off_track: "#c62828" };
  var charts = [];
  data.headlines.forEach(function (g, i) {
    var el = document.getElementById("gauge-" + i);
    if (!el) { return; }
    var chart = echarts.init(el);
    chart.setOption({
      series: [{ type: "gauge", min: 0, max: 120, radius: "95%", progress: { show: true, width: 12 },
        itemStyle: { color: colours[g.status] || "#9e9e9e" }, axisLine: { lineStyle: { width: 12 } },
        axisLabel: { show: false }, splitLine: { length: 6 }, axisTick: { show: false }, pointer: { show: false },
        detail: { valueAnimation: false, fontSize: 20, offsetCenter: [0, "10%"], formatter: function (v) { return g.share === null ? "—" : v + "%"; } },
        data: [{ value: g.share === null ? 0 : Math.min(g.share, 120) }] }]
    });
    chart.on("click", function () { window.location.href = g.url; });
    charts.push(chart);
  });
  var el = document.getElementById("clusters-chart");
  if (el && data.clusters.length) {
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", formatter: function (p) { var c = data.clusters[p[0].dataIndex]; return c.name + "<br>" + c.value + " / " + c.goal; } },
      grid: { left: 150, right: 30, top: 10, bottom: 30 },
      xAxis: { type: "value", max: 120, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", inverse: true, data: data.clusters.map(function (c) { return c.name.replace("集群规模", ""); }) },
      series: [{ type: "bar", data: data.clusters.map(function (c) { return { value: c.share, itemStyle: { color: colours[c.status] || "#9e9e9e" } }; }),
        markLine: { symbol: "none", data: [{ xAxis: 100 }], lineStyle: { color: "#c62828" } } }]
    });
    chart.on("click", function (p) { window.location.href = data.clusters[p.dataIndex].url; });
    charts.push(chart);
  }
  document.body.dataset.cockpitReady = String(charts.length);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();

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
    // SVG, so that the labels are elements a test can measure for collisions; the names wrap
    // in a band of at most 40% of the width, and the value axis has fewer ticks when narrow.
    var chart = echarts.init(el, null, { renderer: "svg" });
    var narrow = el.clientWidth < 560;
    var band = Math.min(260, Math.round(el.clientWidth * 0.4));
    chart.setOption({
      tooltip: { trigger: "axis", confine: true, formatter: function (p) { var c = data.clusters[p[0].dataIndex]; return c.name + "<br>" + c.value + " / " + c.goal; } },
      grid: { left: band + 8, right: 24, top: 10, bottom: 30 },
      xAxis: { type: "value", max: 120, splitNumber: narrow ? 3 : 6,
        axisLabel: { formatter: "{value}%", hideOverlap: true } },
      yAxis: { type: "category", inverse: true,
        axisLabel: { interval: 0, width: band, overflow: "truncate", lineHeight: 13, fontSize: narrow ? 11 : 12 },
        data: data.clusters.map(function (c) { return c.name.replace("集群规模", "").replace(/ cluster scale$/, ""); }) },
      series: [{ type: "bar", data: data.clusters.map(function (c) { return { value: c.share, itemStyle: { color: colours[c.status] || "#9e9e9e" } }; }),
        markLine: { symbol: "none", label: { show: false }, data: [{ xAxis: 100 }], lineStyle: { color: "#c62828" } } }]
    });
    chart.on("click", function (p) { window.location.href = data.clusters[p.dataIndex].url; });
    charts.push(chart);
  }
  document.body.dataset.cockpitReady = String(charts.length);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();

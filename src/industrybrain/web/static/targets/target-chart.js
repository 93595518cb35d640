// One target's yearly values, its goal as a line and the forecast with its interval.
(function () {
  var el = document.getElementById("target-chart");
  if (!el || !window.echarts) { return; }
  var d = JSON.parse(el.dataset.chart);
  if (!d.years.length) { el.style.display = "none"; return; }
  var years = d.years.slice();
  if (d.forecast && years.indexOf(d.forecast.year) < 0) {
    for (var y = years[years.length - 1] + 1; y <= d.forecast.year; y++) { years.push(y); }
  }
  var values = years.map(function (y) { var i = d.years.indexOf(y); return i < 0 ? null : d.values[i]; });
  var series = [{ name: "数值", type: "line", data: values, connectNulls: false }];
  if (d.forecast) {
    var line = years.map(function (y) {
      if (y === d.years[d.years.length - 1]) { return d.values[d.values.length - 1]; }
      return y === d.forecast.year ? d.forecast.value : null;
    });
    series.push({ name: "预测", type: "line", data: line, connectNulls: true, lineStyle: { type: "dashed" },
      markArea: { itemStyle: { color: "rgba(21,101,192,0.08)" }, data: [[{ xAxis: String(d.forecast.year), yAxis: d.forecast.low }, { xAxis: String(d.forecast.year), yAxis: d.forecast.high }]] } });
  }
  if (d.goal !== null) {
    series.push({ name: "目标", type: "line", data: years.map(function () { return d.goal; }), symbol: "none", lineStyle: { color: "#c62828", type: "dotted" } });
  }
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" }, legend: { top: 0 },
    grid: { left: 70, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: years.map(String) }, yAxis: { type: "value", name: d.unit },
    series: series
  });
  el.dataset.ready = "1";
  window.addEventListener("resize", function () { chart.resize(); });
})();

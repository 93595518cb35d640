// The segment graph of a cluster or chain: upstream on the left, downstream on the right;
// size = output, colour = growth (or gap), arrows = supply links. Click a segment to list
// its enterprises in the panel beside the graph.
(function () {
  var el = document.getElementById("segment-graph");
  if (!el || !window.echarts) { return; }
  var data = JSON.parse(el.dataset.chart);
  var L = data.labels;
  var segments = data.segments;
  var max = Math.max.apply(null, segments.map(function (s) { return s.output || 0; }).concat([1]));
  var mode = "growth";
  function yi(v) { return (v / 1e8).toFixed(2) + " " + L.yi; }
  function colour(s) {
    if (mode === "gap") { return s.gap ? "#d64545" : "#3f7fbf"; }
    if (s.growth === null || s.growth === undefined) { return "#b0b7c3"; }
    if (s.growth >= 10) { return "#1a7f37"; }
    if (s.growth >= 0) { return "#6cc080"; }
    if (s.growth >= -10) { return "#f0a04b"; }
    return "#d64545";
  }
  function option() {
    var nodes = segments.map(function (s) {
      return {
        id: String(s.id), name: s.name, x: s.x * 320, y: s.y * 110,
        symbolSize: 24 + 56 * Math.sqrt((s.output || 0) / max),
        itemStyle: { color: colour(s), borderColor: s.gap ? "#8b0000" : "#fff", borderWidth: s.gap ? 3 : 1 },
        value: s.output, seg: s
      };
    });
    var links = [];
    segments.forEach(function (s) {
      s.feeds.forEach(function (t) { links.push({ source: String(s.id), target: String(t) }); });
    });
    return {
      animation: false,
      tooltip: {
        formatter: function (p) {
          if (p.dataType !== "node") { return ""; }
          var s = p.data.seg;
          var lines = ["<b>" + s.name + "</b>（" + s.stage + "）",
            L.firms + "：" + s.firms + " " + L.jia,
            L.output + "：" + yi(s.output || 0) + "，" + L.share + " " + (s.share * 100).toFixed(1) + "%",
            L.growth + "：" + (s.growth === null ? "—" : s.growth.toFixed(1) + "%")];
          if (s.gap) { lines.push(L.gap + "：" + s.gap_reasons.join("；")); }
          return lines.join("<br>");
        }
      },
      series: [{
        type: "graph", layout: "none", roam: true, data: nodes, links: links,
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 9,
        lineStyle: { color: "#8a94a6", width: 1.5, curveness: 0.15, opacity: 0.8 },
        label: { show: true, position: "bottom", width: 150, overflow: "break", fontSize: 12 },
        emphasis: { focus: "adjacency" }
      }]
    };
  }
  var chart = echarts.init(el);
  chart.on("finished", function () { el.dataset.ready = "1"; });
  chart.setOption(option());
  var panel = document.getElementById("segment-panel");
  chart.on("click", function (p) {
    if (p.dataType !== "node" || !panel) { return; }
    var url = p.data.seg.url + "?partial=1" + (data.year ? "&year=" + data.year : "");
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      panel.innerHTML = html;
      panel.dataset.segment = p.data.id;
    });
  });
  var select = document.getElementById("graph-colour");
  if (select) {
    select.addEventListener("change", function () { mode = select.value; chart.setOption(option()); });
  }
  window.addEventListener("resize", function () { chart.resize(); });
})();

// The ladder page: a funnel (enterprises per rung) and a sankey (moves between rungs from
// last year to this year) per ladder, from the JSON the page carries.
(function () {
  if (!window.echarts) { return; }
  var drawn = 0;
  document.querySelectorAll("script.ladder-data").forEach(function (holder) {
    var id = holder.dataset.ladder;
    var data = JSON.parse(holder.textContent);
    var f = document.getElementById("funnel-" + id);
    if (f && data.funnel.length) {
      echarts.init(f).setOption({
        tooltip: { trigger: "item", formatter: "{b}：{c}" },
        series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", minSize: "20%",
          label: { show: true, position: "inside", formatter: "{b} {c}" }, data: data.funnel }]
      });
      f.dataset.ready = "1";
      drawn += 1;
    }
    var s = document.getElementById("sankey-" + id);
    if (s && data.sankey && data.sankey.links && data.sankey.links.length) {
      echarts.init(s).setOption({
        tooltip: { trigger: "item" },
        series: [{ type: "sankey", nodeGap: 6, emphasis: { focus: "adjacency" },
          data: data.sankey.nodes, links: data.sankey.links, label: { fontSize: 11 } }]
      });
      s.dataset.ready = "1";
      drawn += 1;
    }
  });
  document.body.dataset.laddersReady = String(drawn);
})();

// PNG and SVG of any chart on the page through ECharts' own export: the PNG from the drawn
// canvas, the SVG from a copy of the chart rendered once with the SVG renderer.
(function () {
  function save(url, name) {
    var a = document.createElement("a");
    a.href = url; a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
  }
  function exportChart(id, type) {
    var el = document.getElementById(id);
    var chart = el && window.echarts && echarts.getInstanceByDom(el);
    if (!chart) { return null; }
    var name = (document.title.split(" · ")[0] || id) + "-" + id + "." + type;
    var url;
    if (type === "png") {
      url = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
    } else {
      var box = document.createElement("div");
      box.style.cssText = "position:absolute;left:-10000px;top:0;width:" + el.clientWidth + "px;height:" + el.clientHeight + "px";
      document.body.appendChild(box);
      var copy = echarts.init(box, null, { renderer: "svg", width: el.clientWidth, height: el.clientHeight });
      var option = chart.getOption();
      option.animation = false;
      copy.setOption(option);
      url = copy.getDataURL({ type: "svg" });
      copy.dispose(); box.remove();
    }
    el.dataset.exported = type;
    save(url, name);
    return url;
  }
  window.ibExportChart = exportChart;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-export]");
    if (button) { exportChart(button.dataset.export, button.dataset.type); }
  });
})();

// Charts of the outreach pages. No inline script (Content-Security-Policy): each chart is a
// <div class="outreach-chart" data-chart="{ECharts option as JSON}"> rendered here.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof echarts === "undefined") {
    return;
  }
  const charts = [];
  document.querySelectorAll(".outreach-chart[data-chart]").forEach(function (element) {
    let option;
    try {
      option = JSON.parse(element.dataset.chart);
    } catch (error) {
      return;
    }
    const chart = echarts.init(element, null, { renderer: "svg" });
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
});

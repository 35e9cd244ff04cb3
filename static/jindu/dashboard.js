// Dashboard: fetch the figures (JSON) and draw cards, map, bars and trend with ECharts. No inline script (CSP).
(function () {
  "use strict";

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function formatValue(card) {
    if (card.value === null || card.value === undefined) return "—";
    if (card.path === "persons.test_rate") return (card.value * 100).toFixed(1) + "%";
    return Number(card.value).toLocaleString();
  }

  function changeBadge(value, label) {
    if (value === null || value === undefined) return null;
    const badge = el("span", "badge me-1 " + (value >= 0 ? "bg-green-lt" : "bg-red-lt"),
      label + " " + (value > 0 ? "+" : "") + value + "%");
    return badge;
  }

  function drawCards(root, data) {
    const container = document.getElementById("dashboard-cards");
    container.replaceChildren();
    data.cards.forEach(function (card) {
      const col = el("div", "col-6 col-md-4 col-xl-3");
      const box = el("div", "card card-sm figure-card");
      box.dataset.figure = card.path;
      const body = el("div", "card-body");
      body.appendChild(el("div", "subheader", card.label));
      const value = el("div", "h2 mb-1 figure-value", formatValue(card));
      if (card.unit && card.path !== "persons.test_rate") value.appendChild(el("small", "text-secondary ms-1 fs-5", card.unit));
      body.appendChild(value);
      const changes = el("div", "small");
      [changeBadge(card.yoy_change, root.dataset.labelYoy), changeBadge(card.previous_change, root.dataset.labelPrevious)]
        .forEach(function (b) { if (b) changes.appendChild(b); });
      body.appendChild(changes);
      box.appendChild(body);
      if (card.url) {
        // Drill-down: the card opens the list of the records it counts (same period and region).
        const link = el("a", "card-link text-reset text-decoration-none");
        link.href = card.url;
        link.title = root.dataset.labelDrill;
        link.appendChild(box);
        col.appendChild(link);
      } else {
        col.appendChild(box);
      }
      container.appendChild(col);
    });
  }

  function drawAlerts(root, data) {
    const list = document.getElementById("dashboard-alerts");
    if (!list) return;
    list.replaceChildren();
    if (!data.alerts.length) {
      list.appendChild(el("div", "list-group-item text-secondary", root.dataset.labelNoAlerts));
      return;
    }
    data.alerts.forEach(function (alert) {
      const item = el("a", "list-group-item list-group-item-action d-flex justify-content-between align-items-center");
      item.href = alert.url;
      item.dataset.app = alert.app;
      item.appendChild(el("span", null, alert.label));
      item.appendChild(el("span", "badge bg-red text-red-fg alert-count", String(alert.count)));
      list.appendChild(item);
    });
  }

  // A click on a region, a bar or a point of the trend opens the list behind it.
  function follow(url) {
    if (url) window.location.assign(url);
  }

  function fontFamily() {
    return getComputedStyle(document.body).fontFamily;
  }

  function drawMap(root, data, geo) {
    const chart = echarts.init(document.getElementById("chart-map"));
    echarts.registerMap("jindu-region", geo);
    const names = {};
    data.children.forEach(function (c) { names[c.code] = c.name; });
    const max = Math.max(1, ...data.children.map(function (c) { return c.value; }));
    document.getElementById("map-title").textContent = data.map_label;
    chart.setOption({
      textStyle: { fontFamily: fontFamily() },
      tooltip: { trigger: "item", formatter: function (p) { return (names[p.name] || p.name) + ": " + (p.value || 0); } },
      visualMap: { min: 0, max: max, left: "left", bottom: 0, calculable: true, inRange: { color: ["#fde2e1", "#b42318"] } },
      series: [{
        type: "map", map: "jindu-region", nameProperty: "adcode", roam: false,
        label: { show: true, formatter: function (p) { return names[p.name] || ""; }, fontSize: 11 },
        data: data.children.map(function (c) { return { name: c.code, value: c.value, url: c.url }; })
      }]
    });
    chart.on("click", function (p) { follow(p.data && p.data.url); });
    return chart;
  }

  function drawBars(data) {
    const chart = echarts.init(document.getElementById("chart-bars"));
    chart.setOption({
      textStyle: { fontFamily: fontFamily() },
      tooltip: {}, grid: { left: 8, right: 8, bottom: 8, top: 24, containLabel: true },
      xAxis: { type: "category", data: data.children.map(function (c) { return c.name; }), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: data.map_label, data: data.children.map(function (c) { return { value: c.value, url: c.url }; }), itemStyle: { color: "#b42318" } }]
    });
    chart.on("click", function (p) { follow(p.data && p.data.url); });
    return chart;
  }

  function drawTrend(data) {
    const chart = echarts.init(document.getElementById("chart-trend"));
    chart.setOption({
      textStyle: { fontFamily: fontFamily() },
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 40, containLabel: true },
      xAxis: { type: "category", data: data.trend.months },
      yAxis: { type: "value", minInterval: 1 },
      series: data.trend.series.map(function (s) {
        return { type: "line", name: s.label, smooth: true,
          data: s.values.map(function (v, i) { return { value: v, url: s.urls[i] }; }) };
      })
    });
    chart.on("click", function (p) { follow(p.data && p.data.url); });
    return chart;
  }

  document.addEventListener("DOMContentLoaded", function () {
    const root = document.getElementById("dashboard");
    if (!root) return;
    const params = new URLSearchParams({ from: root.dataset.from, to: root.dataset.to, region: root.dataset.region, figure: root.dataset.figure });
    Promise.all([
      fetch(root.dataset.src + "?" + params.toString(), { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }),
      fetch(root.dataset.geo).then(function (r) { return r.json(); })
    ]).then(function (results) {
      const data = results[0];
      drawCards(root, data);
      drawAlerts(root, data);
      const charts = [drawMap(root, data, results[1]), drawBars(data), drawTrend(data)];
      root.dataset.ready = "true";
      window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    }).catch(function () {
      document.getElementById("dashboard-status").textContent = root.dataset.labelError;
      root.dataset.ready = "error";
    });
  });
})();

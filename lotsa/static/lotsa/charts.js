/*
 * The managers' report charts (flow, change over time, subgroups), a progressive
 * enhancement: each chart's table beside it holds the same numbers, so the page is complete
 * without this script, and a screen reader reads the table.
 *
 * Each chart is a `<figure data-chart="ID" hidden>` holding a `<canvas>`; ID names a
 * `json_script` element holding
 *   {type: "bar"|"line", labels: [...], horizontal: bool, xTitle, yTitle,
 *    datasets: [{label, data: [number|null, ...], style: ""|"dashed"}]}
 * A null value is a suppressed group: no bar, no point. Colours come from the stylesheet's
 * design tokens; nothing is animated.
 */
(function () {
  "use strict";

  if (typeof window.Chart !== "function") {
    return;
  }

  function token(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function readData(figure) {
    var source = document.getElementById(figure.dataset.chart || "");
    if (!source) {
      return null;
    }
    try {
      return JSON.parse(source.textContent);
    } catch (error) {
      return null;
    }
  }

  function colours() {
    return [
      token("--color-primary", "#0b5e7a"),
      token("--color-warn", "#8a4b00"),
      token("--color-ok", "#1e6b34"),
      token("--color-danger", "#a3161b"),
    ];
  }

  function dataset(spec, index, kind) {
    var palette = colours();
    var dashed = spec.style === "dashed";
    var colour = dashed ? token("--color-muted", "#4a5560") : palette[index % palette.length];
    return {
      label: spec.label,
      data: spec.data,
      backgroundColor: colour,
      borderColor: colour,
      borderWidth: kind === "line" ? (dashed ? 1.5 : 3) : 0,
      borderDash: dashed ? [6, 4] : [],
      pointRadius: kind === "line" && !dashed ? 4 : 0,
      fill: false,
      spanGaps: false,
    };
  }

  function axisTitle(text) {
    return { display: Boolean(text), text: text || "" };
  }

  function draw(figure) {
    var spec = readData(figure);
    var canvas = figure.querySelector("canvas");
    if (!spec || !canvas || !Array.isArray(spec.labels) || !Array.isArray(spec.datasets)) {
      return;
    }
    figure.hidden = false;
    var text = token("--color-text", "#1d2327");
    var grid = token("--color-border", "#c5ccd3");
    var valueAxis = spec.horizontal ? "x" : "y";
    var categoryAxis = spec.horizontal ? "y" : "x";
    var scales = {};
    scales[valueAxis] = {
      title: axisTitle(spec.horizontal ? spec.xTitle : spec.yTitle),
      ticks: { color: text },
      grid: { color: grid },
      beginAtZero: spec.type === "bar",
    };
    scales[categoryAxis] = {
      title: axisTitle(spec.horizontal ? spec.yTitle : spec.xTitle),
      ticks: { color: text },
      grid: { display: false },
    };
    // eslint-disable-next-line no-new
    new window.Chart(canvas, {
      type: spec.type === "line" ? "line" : "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (item, index) {
          return dataset(item, index, spec.type);
        }),
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: document.documentElement.lang || "sv",
        scales: scales,
        plugins: {
          legend: { display: spec.datasets.length > 1, labels: { color: text } },
        },
      },
    });
  }

  document.querySelectorAll("figure[data-chart]").forEach(draw);
})();

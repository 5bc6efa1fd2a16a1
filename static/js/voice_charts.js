// Draws member-voice charts (survey results, satisfaction after support) from the
// figures each page embeds with json_script as {canvasId: {labels, counts, title, label?}}.
(function () {
  "use strict";

  function draw() {
    if (typeof Chart === "undefined") {
      return; // the tables beside each chart carry every figure
    }
    document.querySelectorAll("script#voice-charts-data").forEach(function (source) {
      var charts = JSON.parse(source.textContent);
      Object.keys(charts).forEach(function (id) {
        var canvas = document.getElementById(id);
        if (!canvas || canvas.dataset.drawn) {
          return;
        }
        canvas.dataset.drawn = "yes";
        var chart = charts[id];
        var indexAxis = chart.horizontal === false ? "x" : "y";
        var valueAxis = indexAxis === "x" ? "y" : "x";
        var scales = {};
        scales[valueAxis] = chart.max ? { min: 0, max: chart.max } : { beginAtZero: true, ticks: { precision: 0 } };
        new Chart(canvas, {
          type: "bar",
          data: {
            labels: chart.labels,
            datasets: [{ label: chart.label || "People", data: chart.counts, backgroundColor: "#005eb8" }]
          },
          options: {
            indexAxis: indexAxis,
            responsive: true,
            maintainAspectRatio: false,
            plugins: { legend: { display: false } },
            scales: scales
          }
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

// Draws the support overview charts from the figures the page embeds with json_script.
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("support-overview-data");
    if (!source || typeof Chart === "undefined") {
      return; // the tables below each chart still carry every figure
    }
    var data = JSON.parse(source.textContent);

    new Chart(document.getElementById("compliance-chart"), {
      type: "line",
      data: {
        labels: data.compliance.labels,
        datasets: [
          { label: "Urgent (48 hours)", data: data.compliance.urgent, borderColor: "#8a1c13", backgroundColor: "#8a1c13", spanGaps: false },
          { label: "Standard (5 working days)", data: data.compliance.standard, borderColor: "#005eb8", backgroundColor: "#005eb8", spanGaps: false, borderDash: [6, 4] }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { min: 0, max: 100, title: { display: true, text: "% first contact on time" } } },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + (item.raw === null ? "none due" : item.raw + "%");
              }
            }
          }
        }
      }
    });

    new Chart(document.getElementById("topic-chart"), {
      type: "bar",
      data: {
        labels: data.per_topic.labels,
        datasets: [{ label: "Enquiries", data: data.per_topic.counts, backgroundColor: "#005eb8" }]
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

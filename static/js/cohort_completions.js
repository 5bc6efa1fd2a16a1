// Draws the completions-per-cohort chart from the figures the page embeds with json_script.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("cohort-completions-data");
  if (!source || typeof Chart === "undefined") {
    return; // the table below the chart still carries every figure
  }
  const rows = JSON.parse(source.textContent);
  new Chart(document.getElementById("completions-chart"), {
    type: "bar",
    data: {
      labels: rows.map((row) => row.cohort),
      datasets: [
        { label: "Enrolled", data: rows.map((row) => row.enrolled), backgroundColor: "#005eb8" },
        { label: "Completed", data: rows.map((row) => row.completed), backgroundColor: "#007f3b" },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
});

// ejournal web interface: the charts of the check page and the progress of a running task. Every page is complete
// without this file; it only draws the charts and refreshes a task's progress.
(function () {
  "use strict";

  // A long label (a rule's title) as lines of at most `width` characters, split between words: Chart.js cuts a
  // label that does not fit beside a horizontal bar.
  function wrap(label, width) {
    if (typeof label !== "string" || label.length <= width) return label;
    var lines = [], line = "";
    label.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) lines.push(line);
    return lines;
  }

  function drawCharts() {
    if (typeof window.Chart === "undefined") return;
    var canvases = document.querySelectorAll("canvas[data-chart]");
    var colors = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1"];
    canvases.forEach(function (canvas) {
      var spec;
      try {
        spec = JSON.parse(canvas.getAttribute("data-chart"));
      } catch (e) {
        return;
      }
      if (!spec.labels || spec.labels.length === 0) return;
      var horizontal = spec.labels.length > 6;
      var datasets = spec.datasets.map(function (d, i) {
        return { label: d.label, data: d.data, backgroundColor: colors[i % colors.length] };
      });
      new window.Chart(canvas.getContext("2d"), {
        type: "bar",
        data: { labels: horizontal ? spec.labels.map(function (l) { return wrap(l, 24); }) : spec.labels,
                datasets: datasets },
        options: {
          indexAxis: horizontal ? "y" : "x",
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
          // Every label of a horizontal chart is shown (Chart.js skips some when they crowd).
          scales: { x: { beginAtZero: true }, y: { beginAtZero: true, ticks: { autoSkip: !horizontal } } }
        }
      });
    });
  }

  function pollTask() {
    var box = document.getElementById("task");
    if (!box || box.getAttribute("data-running") !== "1") return;
    var url = box.getAttribute("data-status-url");
    var progress = document.getElementById("task-progress");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.total > 0) progress.max = s.total;
          progress.value = s.done;
          document.getElementById("task-done").textContent = s.done;
          document.getElementById("task-total").textContent = s.total > 0 ? s.total : 1;
          document.getElementById("task-state").textContent = s.stateText || "";
          document.getElementById("task-step").textContent = s.step || "";
          if (s.state === "running") window.setTimeout(tick, 1000);
          else window.location.reload();
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    window.setTimeout(tick, 500);
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    pollTask();
  });
})();

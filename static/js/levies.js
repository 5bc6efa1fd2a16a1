// List-size import: while the uploaded file is being read, poll its status
// and move the progress bar; show the preview (reload) once it is read.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-import-status-url]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-import-status-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-import-status-text]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.done) {
          window.location.reload();
          return;
        }
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
        text.textContent = data.label + ": " + data.percent + "% read.";
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
});

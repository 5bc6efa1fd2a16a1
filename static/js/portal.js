// Move focus to the error summary when a form comes back with errors, so
// keyboard and screen-reader users hear what went wrong first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});

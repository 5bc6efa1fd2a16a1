// The "Request support" form: the promised contact time follows the urgent
// box (computed by the server, the same code that sets the due time), the
// reason box shows only when urgent, long answers show how much room is left,
// and the send button works once so a double click makes one enquiry.
(function () {
  "use strict";

  function checkedValue(form, name) {
    var input = form.querySelector("input[name='" + name + "']:checked");
    return input ? input.value : "";
  }

  function setUpPreview(form) {
    var url = form.getAttribute("data-preview-url");
    var preview = document.getElementById("due-preview");
    var urgent = form.querySelector("input[name='urgent']");
    if (!url || !preview || !urgent) {
      return;
    }
    var latest = 0;
    function refresh() {
      var ticket = ++latest;
      var query = "?urgent=" + (urgent.checked ? "1" : "0") + "&scope=" + encodeURIComponent(checkedValue(form, "scope"));
      fetch(url + query, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("preview " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          if (ticket === latest) {
            preview.textContent = data.text;
          }
        })
        .catch(function () {
          // Keep the server-rendered text: the confirmation page gives the exact time.
        });
    }
    urgent.addEventListener("change", refresh);
    form.querySelectorAll("input[name='scope']").forEach(function (input) {
      input.addEventListener("change", refresh);
    });
    refresh();
  }

  function setUpUrgentReason(form) {
    var urgent = form.querySelector("input[name='urgent']");
    var reason = form.querySelector("[data-urgent-reason]");
    if (!urgent || !reason) {
      return;
    }
    urgent.setAttribute("aria-controls", "id_urgent_reason");
    function sync() {
      // Never hide a reason that has an error or text in it.
      var textarea = reason.querySelector("textarea");
      var keep = urgent.checked || (textarea && textarea.value.trim() !== "") || reason.querySelector(".is-invalid");
      reason.hidden = !keep;
      urgent.setAttribute("aria-expanded", keep ? "true" : "false");
    }
    urgent.addEventListener("change", sync);
    sync();
  }

  function setUpCounters(form) {
    form.querySelectorAll("[data-max-length]").forEach(function (field) {
      var max = parseInt(field.getAttribute("data-max-length"), 10);
      if (!max || field.tagName !== "TEXTAREA") {
        return;
      }
      var counter = document.createElement("div");
      counter.className = "form-text";
      counter.id = field.id + "_counter";
      counter.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", counter);
      var describedBy = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", (describedBy ? describedBy + " " : "") + counter.id);
      function update() {
        var left = max - field.value.length;
        counter.textContent = left >= 0
          ? "You have " + left.toLocaleString("en-GB") + " characters remaining"
          : "You have " + (-left).toLocaleString("en-GB") + " characters too many";
        counter.classList.toggle("text-danger", left < 0);
      }
      field.addEventListener("input", update);
      update();
    });
  }

  function setUpSubmitOnce(form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-submitting") === "true") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-submitting", "true");
      form.querySelectorAll("[data-submit-once]").forEach(function (button) {
        button.disabled = true;
        button.textContent = "Sending…";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-enquiry-form]").forEach(function (form) {
      setUpPreview(form);
      setUpUrgentReason(form);
      setUpCounters(form);
      setUpSubmitOnce(form);
    });
  });
})();

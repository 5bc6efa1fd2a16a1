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
      var query = (url.indexOf("?") < 0 ? "?" : "&") + "urgent=" + (urgent.checked ? "1" : "0") + "&scope=" + encodeURIComponent(checkedValue(form, "scope"));
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
    // A page restored by Back (back/forward cache) must not keep its button
    // disabled: the server shows the enquiry already sent if it is sent again.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        form.removeAttribute("data-submitting");
        form.querySelectorAll("[data-submit-once]").forEach(function (button) {
          button.disabled = false;
          if (button.getAttribute("data-label")) {
            button.textContent = button.getAttribute("data-label");
          }
        });
      }
    });
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-submitting") === "true") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-submitting", "true");
      form.querySelectorAll("[data-submit-once]").forEach(function (button) {
        button.setAttribute("data-label", button.textContent);
        button.disabled = true;
        button.textContent = "Sending…";
      });
    });
  }

  // Drafts live on the server only (practice computers are shared): saved
  // every 30 seconds when something changed, and when the page is left.
  function setUpDraft(form) {
    var url = form.getAttribute("data-draft-url");
    var status = form.querySelector("[data-draft-status]");
    if (!url) {
      return;
    }
    var dirty = false;
    var sending = false;
    function body() {
      var data = new FormData(form);
      data.delete("submission_token");
      return data;
    }
    function save() {
      if (!dirty || sending) {
        return;
      }
      dirty = false;
      fetch(url, { method: "POST", body: body(), credentials: "same-origin", redirect: "manual",
                   headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.type === "opaqueredirect" || response.status === 302 || response.status === 403) {
            if (status) {
              status.textContent = "You have been logged out, so your latest changes are not saved. " +
                "Copy what you have typed, log in again in a new tab, then come back to send it.";
              status.classList.add("text-danger");
            }
            return null;
          }
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data && data.saved && status) {
            status.textContent = "Draft saved on the LMC's server at " + data.at + ". It is deleted when you send it.";
          }
        })
        .catch(function () {
          dirty = true;
        });
    }
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { sending = true; });
    window.setInterval(save, 30000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && dirty && !sending && navigator.sendBeacon) {
        dirty = false;
        navigator.sendBeacon(url, body());
      }
    });
  }

  function setUpSharedWith(form) {
    var box = form.querySelector("[data-shared-with]");
    if (!box) {
      return;
    }
    function sync() {
      var named = form.querySelector("input[name='sharing'][value='named']");
      box.hidden = !(named && named.checked) && !box.querySelector(".is-invalid");
    }
    form.querySelectorAll("input[name='sharing']").forEach(function (input) {
      input.addEventListener("change", sync);
    });
    sync();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-enquiry-form]").forEach(function (form) {
      setUpPreview(form);
      setUpUrgentReason(form);
      setUpCounters(form);
      setUpSubmitOnce(form);
      setUpDraft(form);
      setUpSharedWith(form);
    });
  });
})();

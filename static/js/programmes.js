// Ask before a cancellation: the place goes straight to the waiting list.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// Copy the template email to the clipboard, and say so to screen readers.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy-from]");
  if (!button) {
    return;
  }
  const source = document.getElementById(button.dataset.copyFrom);
  const status = document.getElementById(button.dataset.copyStatus);
  try {
    await navigator.clipboard.writeText(source.value);
    status.textContent = "Copied. Paste it into a new email.";
  } catch (error) {
    source.focus();
    source.select();
    status.textContent = "Select the text and copy it (Ctrl+C, or Cmd+C on a Mac).";
  }
});

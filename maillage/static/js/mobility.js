// Mobility: a booking button disables itself once clicked, so a double click sends one request
// (the idempotency key makes a second one harmless anyway).
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("button[data-once]");
  if (button) {
    window.setTimeout(() => { button.disabled = true; }, 0);
  }
});

// "Copy link" on a collateral page: copies the page's address and, for sales and marketing, records the event.
// Without JavaScript the button stays hidden; the page works the same.
document.querySelectorAll("[data-copy-link]").forEach((button) => {
  const status = button.parentElement.querySelector("[data-copy-status]");
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.copyLink);
      status.textContent = "Link copied.";
    } catch {
      status.textContent = "Copy this address: " + button.dataset.copyLink;
    }
    if (!button.dataset.eventUrl) return; // only sales and marketing's copies are counted
    const body = new URLSearchParams({ type: "copy_link" });
    fetch(button.dataset.eventUrl, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": button.dataset.csrf, "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
  });
});

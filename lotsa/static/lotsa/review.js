// The log extract's print button: added only where scripts run, no inline handler (CSP).
document.querySelectorAll("template[data-print]").forEach((template) => {
  const button = template.content.querySelector("button");
  button.addEventListener("click", () => window.print());
  template.replaceWith(button);
});

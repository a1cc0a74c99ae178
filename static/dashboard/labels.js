// The label queues: a button's own key (data-key) picks it, else 1/2/3 pick the CTA labels
// in order, unless typing a reason. A file of its own, not an inline script: the
// Content-Security-Policy allows scripts from this site only.
document.addEventListener("keydown", (e) => {
  if (e.target.matches && e.target.matches("input, textarea, select")) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const keyed = document.querySelector(`[data-key="${CSS.escape(e.key)}"]`);
  const button = keyed || document.querySelectorAll("[data-label]")[Number(e.key) - 1];
  if (button) { e.preventDefault(); button.click(); }
});

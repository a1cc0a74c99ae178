// The label queue: 1/2/3 pick NOW/WAIT/NEVER, unless typing a reason. A file of its own,
// not an inline script: the Content-Security-Policy allows scripts from this site only.
document.addEventListener("keydown", (e) => {
  if (e.target.matches && e.target.matches("input, textarea")) return;
  const button = document.querySelectorAll("[data-label]")[Number(e.key) - 1];
  if (button) { e.preventDefault(); button.click(); }
});

// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-autodismiss]").forEach(function (el) {
    setTimeout(function () { el.remove(); }, 6000);
  });
});

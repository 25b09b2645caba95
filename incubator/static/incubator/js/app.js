// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  ready(function () {
    document.querySelectorAll("[data-autodismiss]").forEach(function (el) {
      setTimeout(function () { el.remove(); }, 6000);
    });

    // Messages get a close button; the label comes from the page, so it is translated.
    document.querySelectorAll(".flash[data-dismiss-label]").forEach(function (list) {
      var label = list.getAttribute("data-dismiss-label");
      list.querySelectorAll(".flash__item").forEach(function (item) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "flash__close";
        button.setAttribute("aria-label", label);
        button.textContent = "\u00d7";
        button.addEventListener("click", function () {
          item.remove();
          if (!list.querySelector(".flash__item")) {
            list.remove();
            var main = document.getElementById("main");
            if (main) { main.focus(); }
          }
        });
        item.appendChild(button);
      });
    });

    // On a narrow screen the navigation scrolls sideways: keep the current entry in view.
    var current = document.querySelector(".mainnav [aria-current]");
    if (current && current.scrollIntoView) {
      var list = current.closest("ul");
      if (list && list.scrollWidth > list.clientWidth) {
        list.scrollLeft = current.offsetLeft - (list.clientWidth - current.offsetWidth) / 2;
      }
    }

    // Links in an error summary move focus to the field, not only the scroll position.
    document.querySelectorAll(".form-errors a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (field) {
          event.preventDefault();
          field.focus();
          field.scrollIntoView({ block: "center" });
        }
      });
    });
  });
})();

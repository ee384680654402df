// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Dialogs: [data-open-dialog="id"] opens <dialog id="id"> as a modal. The browser moves
  // focus into it and closes it on Escape; we give focus back to the opener when it
  // closes and close it on a click on the backdrop.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.dataset.openDialog);
      if (dialog && typeof dialog.showModal === "function" && !dialog.open) {
        event.preventDefault();
        dialog.returnFocusTo = opener;
        dialog.showModal();
      }
      return;
    }
    if (event.target instanceof HTMLDialogElement && event.target.open) {
      var box = event.target.getBoundingClientRect();
      var inside = event.clientX >= box.left && event.clientX <= box.right &&
        event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) event.target.close();
    }
  });

  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (dialog instanceof HTMLDialogElement && dialog.returnFocusTo) {
      dialog.returnFocusTo.focus();
      dialog.returnFocusTo = null;
    }
  }, true);

  // The installable app: the service worker keeps the shell, an offline page and the eCard.
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
      // Who is signed in on this page ("" for nobody): the worker keeps offline copies
      // for that person only (satuklik/core/offline.py). The offline page names nobody.
      var owner = document.body.getAttribute("data-offline-owner");
      if (owner !== null) {
        navigator.serviceWorker.ready.then(function (registration) {
          if (registration.active) registration.active.postMessage({ type: "owner", owner: owner });
        });
      }
    });
  }
})();

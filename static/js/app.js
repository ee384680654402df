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
        // The eCard's scanning view keeps the screen on while the hospital scans it.
        if (dialog.hasAttribute("data-wake-lock") && navigator.wakeLock) {
          navigator.wakeLock.request("screen").then(function (lock) { dialog.wakeLock = lock; }).catch(function () {});
        }
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
    if (dialog instanceof HTMLDialogElement && dialog.wakeLock) {
      dialog.wakeLock.release();
      dialog.wakeLock = null;
    }
    if (dialog instanceof HTMLDialogElement && dialog.returnFocusTo) {
      dialog.returnFocusTo.focus();
      dialog.returnFocusTo = null;
    }
  }, true);

  // Show password: a button after every password field switches it to plain text and back,
  // so a member can check what they typed on a phone keyboard.
  var toggleTemplate = document.getElementById("password-toggle");
  if (toggleTemplate) {
    document.querySelectorAll("input[type=password]").forEach(function (input) {
      var button = toggleTemplate.content.firstElementChild.cloneNode(true);
      if (input.id) button.setAttribute("aria-controls", input.id);
      var wrapper = document.createElement("span");
      wrapper.className = "password-field";
      input.parentNode.insertBefore(wrapper, input);
      wrapper.appendChild(input);
      wrapper.appendChild(button);
      button.addEventListener("click", function () {
        var showing = input.type === "text";
        input.type = showing ? "password" : "text";
        button.textContent = showing ? button.dataset.show : button.dataset.hide;
        input.focus();
      });
      // Never leave a password readable in the form that is sent (or in the browser's history).
      if (input.form) input.form.addEventListener("submit", function () { input.type = "password"; });
    });
  }

  // "Install the app": Chromium-based browsers (Android) offer beforeinstallprompt, which we
  // keep and use from our own button; iOS Safari has no such event, so it gets the steps.
  // "Not now" is remembered on this device.
  var installBox = document.querySelector("[data-install-prompt]");
  var DISMISSED = "satuklik-install-dismissed";
  var standalone = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
  function dismissed() {
    try { return localStorage.getItem(DISMISSED) === "1"; } catch (error) { return false; }
  }
  if (installBox && !standalone && !dismissed()) {
    var deferredPrompt = null;
    var accept = installBox.querySelector("[data-install-accept]");
    window.addEventListener("beforeinstallprompt", function (event) {
      event.preventDefault();
      deferredPrompt = event;
      accept.hidden = false;
      installBox.hidden = false;
    });
    if (/iphone|ipad|ipod/i.test(navigator.userAgent)) {
      installBox.querySelector("[data-install-ios]").hidden = false;
      installBox.hidden = false;
    }
    accept.addEventListener("click", function () {
      if (!deferredPrompt) return;
      deferredPrompt.prompt();
      deferredPrompt.userChoice.then(function () { installBox.hidden = true; deferredPrompt = null; });
    });
    installBox.querySelector("[data-install-dismiss]").addEventListener("click", function () {
      try { localStorage.setItem(DISMISSED, "1"); } catch (error) { /* private mode: hide for now */ }
      installBox.hidden = true;
    });
    window.addEventListener("appinstalled", function () { installBox.hidden = true; });
  }

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

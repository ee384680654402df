// eClaim steps: what the server also does without JavaScript, done as the member types.
// The total bill prefills the first item of the split while the member has not split it.
(function () {
  "use strict";
  function amountInputs(form) {
    return Array.prototype.slice.call(form.querySelectorAll(".item-row input[name^='amount_']"));
  }
  function init() {
    var form = document.getElementById("details-form");
    if (!form) return;
    var total = form.querySelector("input[name='total']");
    var amounts = amountInputs(form);
    if (!total || !amounts.length) return;
    var first = amounts[0];
    // Prefilled by us (not typed by the member): follows the total until the member edits an item.
    var follows = amounts.every(function (input, index) {
      return index === 0 ? !input.value || input.value === total.value : !input.value;
    });
    total.addEventListener("input", function () {
      if (follows) first.value = total.value;
    });
    amounts.forEach(function (input) {
      input.addEventListener("input", function () { follows = false; });
    });
    if (follows && total.value) first.value = total.value;
  }
  // Documents: one control per checklist row. Without JavaScript it is a plain file input
  // and a Send button; with it, choosing a file uploads it at once and the input hides
  // behind its styled label (still focusable: Enter or Space opens the file picker).
  function initUploads() {
    var forms = document.querySelectorAll("form[data-row-upload]");
    Array.prototype.forEach.call(forms, function (form) {
      var input = form.querySelector("input[type=file]");
      var status = form.querySelector(".row-status");
      if (!input) return;
      form.classList.add("js-upload");
      input.addEventListener("change", function () {
        if (!input.files || !input.files.length) return;
        if (status) status.textContent = form.getAttribute("data-sending") || "…";
        form.classList.add("sending");
        if (form.requestSubmit) form.requestSubmit();
        else form.submit();
      });
    });
  }
  function start() { init(); initUploads(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// OTP screen: count down the code's validity and the resend cooldown. Progressive:
// without JavaScript the server still refuses an early resend with a clear message.
(function () {
  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function start(box) {
    if (box.dataset.otpStarted) return;
    box.dataset.otpStarted = "1";
    var started = Date.now();
    var left = parseInt(box.dataset.secondsLeft || "0", 10);
    var resendIn = parseInt(box.dataset.resendIn || "0", 10);
    var countdown = box.querySelector("[data-otp-countdown]");
    var timer = box.querySelector("[data-otp-timer]");
    var expired = box.querySelector("[data-otp-expired]");
    var wait = box.querySelector("[data-otp-resend-wait]");
    var waitSeconds = box.querySelector("[data-otp-resend-seconds]");
    var resendButtons = box.querySelectorAll("[data-otp-resend]");
    function tick() {
      var elapsed = Math.floor((Date.now() - started) / 1000);
      var remaining = Math.max(0, left - elapsed);
      var cooldown = Math.max(0, resendIn - elapsed);
      if (countdown) countdown.textContent = format(remaining);
      if (remaining === 0) {
        if (timer) timer.hidden = true;
        if (expired) expired.hidden = false;
      }
      if (waitSeconds) waitSeconds.textContent = cooldown;
      if (wait) wait.hidden = cooldown === 0;
      resendButtons.forEach(function (b) { b.disabled = cooldown > 0; });
      if (remaining > 0 || cooldown > 0) window.setTimeout(tick, 1000);
    }
    tick();
  }
  function init() { document.querySelectorAll("[data-otp]").forEach(start); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
  document.addEventListener("htmx:load", init);
})();

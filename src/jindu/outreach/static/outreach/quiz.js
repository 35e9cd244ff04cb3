// The public quiz pages (no framework; the Content-Security-Policy forbids inline script).
// - [data-deadline]: the time left, from the server's clock; at zero the answer form is sent.
// - form[data-once]: a form is sent once (the server is idempotent anyway).
// - form[data-keep]: ticked answers survive a reload (sessionStorage, per attempt).
// - select[data-refresh]: choosing a county reloads the form with that county's schools.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.sent) { event.preventDefault(); return; }
        var question = form.dataset.confirmEmpty;
        if (question && !form.dataset.timeUp) {
          var blank = 0;
          form.querySelectorAll(".question").forEach(function (q) {
            if (!q.querySelector("input:checked")) { blank += 1; }
          });
          if (blank && !window.confirm(question.replace("{n}", blank))) { event.preventDefault(); return; }
        }
        form.dataset.sent = "1";
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
        if (form.dataset.keep) { try { sessionStorage.removeItem(form.dataset.keep); } catch (e) { /* private mode */ } }
      });
    });
    document.querySelectorAll("form[data-keep]").forEach(function (form) {
      var key = form.dataset.keep;
      try {
        var saved = JSON.parse(sessionStorage.getItem(key) || "[]");
        saved.forEach(function (id) { var input = document.getElementById(id); if (input) { input.checked = true; } });
      } catch (e) { /* nothing saved */ }
      form.addEventListener("change", function () {
        var ids = [];
        form.querySelectorAll("input:checked").forEach(function (input) { ids.push(input.id); });
        try { sessionStorage.setItem(key, JSON.stringify(ids)); } catch (e) { /* private mode */ }
      });
    });
    document.querySelectorAll("select[data-refresh]").forEach(function (select) {
      select.addEventListener("change", function () {
        var form = select.form;
        var flag = document.createElement("input");
        flag.type = "hidden"; flag.name = "refresh"; flag.value = "1";
        form.appendChild(flag);
        form.submit();
      });
    });
    var timer = document.querySelector("[data-deadline]");
    if (timer) {
      var skew = Number(timer.dataset.now) * 1000 - Date.now();
      var deadline = Number(timer.dataset.deadline) * 1000;
      var out = timer.querySelector("span") || timer;
      var tick = function () {
        var left = Math.max(0, Math.round((deadline - (Date.now() + skew)) / 1000));
        var m = Math.floor(left / 60), s = left % 60;
        out.textContent = m + ":" + (s < 10 ? "0" : "") + s;
        if (left <= 60) { timer.classList.add("low"); }
        if (left === 0) {
          var form = document.getElementById(timer.dataset.form);
          if (form && !form.dataset.sent) {
            form.dataset.timeUp = "1";
            if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
          }
          return;
        }
        window.setTimeout(tick, 1000);
      };
      tick();
    }
  });
})();

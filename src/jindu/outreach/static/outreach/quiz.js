// The public quiz pages (no framework; the Content-Security-Policy forbids inline script).
// - [data-deadline]: the time left, from the server's clock; at zero the answer form is sent.
// - form[data-once]: a form is sent once (the server is idempotent anyway).
// - form[data-keep]: ticked answers survive a reload (sessionStorage, per attempt).
// - select[data-refresh]: choosing a county reloads the form with that county's schools.
// - form[data-pow]: the proof of work the server asks before a code is sent or an attempt starts (quiz/pow.py):
//   a nonce such that SHA-256(challenge + ":" + nonce) starts with data-pow zero bits, found while the page is read.
(function () {
  "use strict";
  var K = [0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2];
  // SHA-256 of an ASCII string; returns the first 32-bit word (all the proof of work looks at).
  function sha256word(text) {
    var w = [], n = text.length * 8, i, j, H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f,
      0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    for (i = 0; i < text.length; i++) { w[i >> 2] |= text.charCodeAt(i) << (24 - (i % 4) * 8); }
    w[n >> 5] |= 0x80 << (24 - n % 32);
    w[(((n + 64) >>> 9) << 4) + 15] = n;
    var W = new Array(64);
    for (i = 0; i < w.length; i += 16) {
      var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
      for (j = 0; j < 64; j++) {
        if (j < 16) { W[j] = w[i + j] | 0; } else {
          var x = W[j - 15], y = W[j - 2];
          W[j] = (((x >>> 7 | x << 25) ^ (x >>> 18 | x << 14) ^ (x >>> 3)) + W[j - 16] +
            ((y >>> 17 | y << 15) ^ (y >>> 19 | y << 13) ^ (y >>> 10)) + W[j - 7]) | 0;
        }
        var t1 = (h + ((e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7)) + ((e & f) ^ (~e & g)) +
          K[j] + W[j]) | 0;
        var t2 = (((a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^ (a >>> 22 | a << 10)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      H = [(H[0] + a) | 0, (H[1] + b) | 0, (H[2] + c) | 0, (H[3] + d) | 0, (H[4] + e) | 0, (H[5] + f) | 0,
        (H[6] + g) | 0, (H[7] + h) | 0];
    }
    return H[0] >>> 0;
  }
  function solve(form) {  // in slices of 2,000 hashes, so the page stays responsive
    var challenge = form.querySelector("input[name=pow_challenge]").value, bits = Number(form.dataset.pow);
    var limit = Math.pow(2, 32 - Math.min(bits, 24)), nonce = 0;
    var step = function () {
      for (var end = nonce + 2000; nonce < end; nonce++) {
        if (sha256word(challenge + ":" + nonce) < limit) {
          form.querySelector("input[name=pow_nonce]").value = String(nonce);
          if (form.dataset.waiting) { form.submit(); }
          return;
        }
      }
      window.setTimeout(step, 0);
    };
    step();
  }
  window.jinduSha256Word = sha256word;  // for the browser test
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    document.querySelectorAll("form[data-pow]").forEach(function (form) {
      solve(form);
      form.addEventListener("submit", function (event) {
        if (!form.querySelector("input[name=pow_nonce]").value) { event.preventDefault(); form.dataset.waiting = "1"; }
      });
    });
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

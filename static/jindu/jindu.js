// Jindu page behaviour. No inline script anywhere (Content-Security-Policy): behaviour is
// attached here through data attributes.
document.addEventListener("DOMContentLoaded", function () {
  // Buttons that ask before submitting: <button data-confirm="...">.
  document.body.addEventListener("click", function (event) {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
  // Show a spinner on forms that start long work: <form data-busy>.
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        b.disabled = true;
        b.classList.add("btn-loading");
      });
    });
  });
});

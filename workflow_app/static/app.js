// Progressive enhancement only; every page works without it. No inline scripts (CSP).
document.addEventListener("DOMContentLoaded", () => {
  // Confirm irreversible actions: <form data-confirm="Текст вопроса">
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // Confirm one button of a form (e.g. «Отправить» beside «Сохранить черновик»): <button data-confirm="…">
  document.querySelectorAll("button[data-confirm]").forEach((btn) => {
    btn.addEventListener("click", (event) => {
      if (!window.confirm(btn.dataset.confirm)) event.preventDefault();
    });
  });
  // Auto-submit filter selects: <select data-autosubmit>
  document.querySelectorAll("select[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form.submit());
  });
});

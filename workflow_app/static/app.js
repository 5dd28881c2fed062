// Progressive enhancement only; every page works without it. No inline scripts (CSP).
document.addEventListener("DOMContentLoaded", () => {
  // Confirm irreversible actions: <form data-confirm="Текст вопроса">
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // Confirm one submit control of a form (e.g. «Отправить» beside «Сохранить черновик»):
  // <button data-confirm="…"> or <input type="submit" data-confirm="…"> (WTForms renders SubmitField so).
  document.querySelectorAll("button[data-confirm], input[data-confirm]").forEach((btn) => {
    btn.addEventListener("click", (event) => {
      if (!window.confirm(btn.dataset.confirm)) event.preventDefault();
    });
  });
  // Auto-submit filter selects: <select data-autosubmit>
  document.querySelectorAll("select[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form.submit());
  });
});

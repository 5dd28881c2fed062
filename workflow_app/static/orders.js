// New order form: show only the fieldsets that apply to the chosen kind (all are shown without JS).
document.addEventListener("DOMContentLoaded", () => {
  const kind = document.getElementById("kind");
  if (!kind || !document.getElementById("new-order-form")) return;
  const sync = () => {
    document.querySelectorAll("fieldset[data-kinds]").forEach((fs) => {
      fs.hidden = !fs.dataset.kinds.split(" ").includes(kind.value);
    });
  };
  kind.addEventListener("change", sync);
  sync();
});

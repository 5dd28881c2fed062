// Grid editor for user-edited tables (templates/_grid.html, services/documents/grid.py).
// Progressive enhancement: each `.grid-editor` holds one textarea with the table as JSON
// {"columns", "rows", "row_kinds", "widths"}; that textarea stays the submitted field and is rewritten on
// every change. Without this file the JSON textarea is edited directly. The controls built here have no
// `name`, so the POST is the same with or without JavaScript.
(function () {
  "use strict";

  const KINDS = [
    ["data", "Обычная"],
    ["group", "Группа"],
    ["continuation", "Продолжение"],
  ];
  const KIND_HINT = "Группа — одна ячейка на всю ширину таблицы, жирным; продолжение — строка, " +
    "продолжающая предыдущую, без №";

  function columnsWord(k) {
    const d = k % 10, h = k % 100;
    if (d === 1 && h !== 11) return k + " столбец";
    if (d >= 2 && d <= 4 && (h < 12 || h > 14)) return k + " столбца";
    return k + " столбцов";
  }

  const { parseClipboard, parseHtmlTable } = window.GridPaste;   // static/grid_paste.js

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined || v === false) return;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : v);
    });
    children.forEach((c) => node.append(c));
    return node;
  }

  function button(icon, title, action, extra) {
    return el("button", Object.assign({ type: "button", class: "btn btn-outline-secondary btn-sm",
      title: title, "aria-label": title, "data-action": action }, extra || {}),
    el("i", { class: "bi bi-" + icon, "aria-hidden": "true" }));
  }

  function autoHeight(ta) {
    ta.style.height = "auto";
    ta.style.height = ta.scrollHeight + 2 + "px";
  }

  class GridEditor {
    constructor(root) {
      this.root = root;
      this.source = root.querySelector("textarea.grid-json");
      this.fixed = JSON.parse(root.dataset.fixedColumns || "[]");
      this.allowAddColumns = root.dataset.allowAddColumns !== "0";
      const data = JSON.parse(this.source.value || "{}");
      this.columns = Array.isArray(data.columns) && data.columns.length ? data.columns.map(String)
        : (this.fixed.length ? this.fixed.slice() : ["Столбец 1"]);
      this.rows = (Array.isArray(data.rows) ? data.rows : []).map((r) => this.fit(r.map((c) => c == null ? "" : String(c))));
      const kinds = Array.isArray(data.row_kinds) ? data.row_kinds : [];
      this.kinds = this.rows.map((_, i) => KINDS.some(([k]) => k === kinds[i]) ? kinds[i] : "data");
      this.widths = Array.isArray(data.widths) && data.widths.length === this.columns.length ? data.widths : null;
      if (!this.rows.length) { this.rows.push(this.fit([])); this.kinds.push("data"); }
      this.build();
    }

    fit(cells) {
      const out = cells.slice(0, this.columns.length);
      while (out.length < this.columns.length) out.push("");
      return out;
    }

    isFixed(c) { return this.fixed.includes(this.columns[c]); }

    sync() {
      this.source.value = JSON.stringify({ columns: this.columns, rows: this.rows, row_kinds: this.kinds,
        widths: this.widths });
      this.source.dispatchEvent(new Event("input", { bubbles: true }));
      this.source.dispatchEvent(new Event("change", { bubbles: true }));
    }

    say(message) {
      this.alert.textContent = message || "";
      this.alert.hidden = !message;
    }

    build() {
      this.source.hidden = true;
      this.root.classList.add("grid-enhanced");
      const label = this.source.getAttribute("aria-label") || "Таблица";
      this.toolbar = el("div", { class: "btn-toolbar gap-2 mb-2 align-items-center", role: "toolbar",
        "aria-label": "Действия с таблицей" });
      this.toolbar.append(el("button", { type: "button", class: "btn btn-outline-primary btn-sm",
        "data-action": "add-row" }, el("i", { class: "bi bi-plus-lg", "aria-hidden": "true" }), " Добавить строку"));
      if (this.allowAddColumns) {
        this.toolbar.append(el("button", { type: "button", class: "btn btn-outline-primary btn-sm",
          "data-action": "add-column" }, el("i", { class: "bi bi-layout-three-columns", "aria-hidden": "true" }),
        " Добавить столбец"));
      }
      this.toolbar.append(el("span", { class: "form-text m-0",
        text: "Чтобы вставить таблицу из Word или Excel, скопируйте ячейки, поставьте курсор в ячейку и нажмите Ctrl+V." }));
      this.alert = el("div", { class: "alert alert-danger py-1 px-2 small mb-2", role: "alert", hidden: true });
      this.table = el("table", { class: "table table-bordered table-sm align-top grid-table mb-1",
        "aria-label": label });
      const wrap = el("div", { class: "table-responsive" }, this.table);
      this.root.prepend(this.toolbar, this.alert, wrap);
      this.root.addEventListener("click", (e) => this.onClick(e));
      this.table.addEventListener("input", (e) => this.onInput(e));
      this.table.addEventListener("change", (e) => this.onChange(e));
      this.table.addEventListener("paste", (e) => this.onPaste(e));
      this.table.addEventListener("keydown", (e) => this.onKey(e));
      this.render(null, true);
    }

    render(focus, initial) {
      const n = this.columns.length;
      const head = el("tr");
      head.append(el("th", { scope: "col", class: "grid-row-tools", text: "Строка" }));
      this.columns.forEach((name, c) => {
        const fixed = this.isFixed(c);
        const input = el("input", { type: "text", class: "form-control form-control-sm fw-semibold",
          value: name, "data-col": c, "aria-label": "Заголовок столбца " + (c + 1), readonly: fixed,
          title: fixed ? "Столбец формы: его нельзя переименовать или удалить" : null });
        const tools = el("div", { class: "btn-group btn-group-sm mt-1", role: "group",
          "aria-label": "Столбец " + (c + 1) });
        tools.append(button("arrow-left", "Переместить столбец влево", "col-left", { "data-col": c, disabled: c === 0 }),
          button("arrow-right", "Переместить столбец вправо", "col-right", { "data-col": c, disabled: c === n - 1 }));
        if (!fixed) tools.append(button("x-lg", "Удалить столбец", "col-delete", { "data-col": c, disabled: n === 1 }));
        else tools.append(el("span", { class: "btn btn-sm disabled", title: "Столбец формы" },
          el("i", { class: "bi bi-lock", "aria-hidden": "true" })));
        head.append(el("th", { scope: "col" }, input, tools));
      });
      const body = el("tbody");
      this.rows.forEach((cells, r) => {
        const kind = this.kinds[r];
        const tr = el("tr", { class: "grid-row grid-" + kind, "data-row": r });
        const select = el("select", { class: "form-select form-select-sm", "data-row": r,
          "aria-label": "Вид строки " + (r + 1), title: KIND_HINT });
        KINDS.forEach(([value, text]) => select.append(el("option", { value: value, text: text, selected: value === kind })));
        const tools = el("div", { class: "btn-group btn-group-sm mt-1", role: "group", "aria-label": "Строка " + (r + 1) });
        tools.append(button("arrow-up", "Переместить строку вверх", "row-up", { "data-row": r, disabled: r === 0 }),
          button("arrow-down", "Переместить строку вниз", "row-down", { "data-row": r, disabled: r === this.rows.length - 1 }),
          button("plus-lg", "Вставить строку ниже", "row-insert", { "data-row": r }),
          button("trash", "Удалить строку", "row-delete", { "data-row": r }));
        tr.append(el("td", { class: "grid-row-tools" }, select, tools));
        const cellsShown = kind === "group" ? [0] : cells.map((_, c) => c);
        cellsShown.forEach((c) => {
          const ta = el("textarea", { class: "form-control form-control-sm grid-cell" + (kind === "group" ? " fw-bold" : ""),
            rows: 1, "data-row": r, "data-col": c,
            "aria-label": kind === "group" ? "Строка " + (r + 1) + ", группа" : "Строка " + (r + 1) + ", " + this.columns[c] });
          ta.value = cells[c];
          tr.append(el("td", kind === "group" ? { colspan: n } : {}, ta));
        });
        body.append(tr);
      });
      this.table.replaceChildren(el("thead", {}, head), body);
      this.table.querySelectorAll("textarea.grid-cell").forEach(autoHeight);
      if (focus) {
        const target = this.table.querySelector(focus);
        if (target) target.focus();
      }
      if (!initial) this.sync();
    }

    confirmLoss(cells, what) {
      return !cells.some((v) => v.trim()) || window.confirm(what + " содержит текст. Удалить?");
    }

    onClick(e) {
      const btn = e.target.closest("button[data-action]");
      if (!btn || !this.root.contains(btn)) return;
      const r = Number(btn.dataset.row);
      const c = Number(btn.dataset.col);
      const n = this.columns.length;
      this.say("");
      switch (btn.dataset.action) {
        case "add-row":
          this.rows.push(this.fit([])); this.kinds.push("data");
          return this.render(`textarea[data-row="${this.rows.length - 1}"]`);
        case "row-insert":
          this.rows.splice(r + 1, 0, this.fit([])); this.kinds.splice(r + 1, 0, "data");
          return this.render(`textarea[data-row="${r + 1}"]`);
        case "row-delete":
          if (!this.confirmLoss(this.rows[r], "Строка " + (r + 1))) return;
          this.rows.splice(r, 1); this.kinds.splice(r, 1);
          if (!this.rows.length) { this.rows.push(this.fit([])); this.kinds.push("data"); }
          return this.render(`[data-action="row-delete"][data-row="${Math.min(r, this.rows.length - 1)}"]`);
        case "row-up": case "row-down": {
          const to = btn.dataset.action === "row-up" ? r - 1 : r + 1;
          [this.rows[r], this.rows[to]] = [this.rows[to], this.rows[r]];
          [this.kinds[r], this.kinds[to]] = [this.kinds[to], this.kinds[r]];
          return this.render(`[data-action="${btn.dataset.action}"][data-row="${to}"]`);
        }
        case "add-column":
          this.columns.push(this.freshName()); this.rows = this.rows.map((row) => row.concat([""]));
          if (this.widths) this.widths.push(this.widths.reduce((a, b) => a + b, 0) / this.widths.length);
          return this.render(`input[data-col="${n}"]`);
        case "col-delete":
          if (this.isFixed(c) || n === 1) return;
          if (!this.confirmLoss(this.rows.map((row) => row[c]), "Столбец «" + this.columns[c] + "»")) return;
          this.columns.splice(c, 1); this.rows.forEach((row) => row.splice(c, 1));
          if (this.widths) this.widths.splice(c, 1);
          return this.render(`input[data-col="${Math.min(c, n - 2)}"]`);
        case "col-left": case "col-right": {
          const to = btn.dataset.action === "col-left" ? c - 1 : c + 1;
          const swap = (a) => { [a[c], a[to]] = [a[to], a[c]]; };
          swap(this.columns); this.rows.forEach(swap);
          if (this.widths) swap(this.widths);
          return this.render(`[data-action="${btn.dataset.action}"][data-col="${to}"]`);
        }
      }
    }

    freshName() {
      let k = this.columns.length + 1;
      while (this.columns.includes("Столбец " + k)) k += 1;
      return "Столбец " + k;
    }

    onInput(e) {
      const t = e.target;
      if (t.matches("textarea.grid-cell")) {
        this.rows[Number(t.dataset.row)][Number(t.dataset.col)] = t.value;
        autoHeight(t);
      } else if (t.matches("thead input")) {
        const c = Number(t.dataset.col);
        if (this.isFixed(c)) return;
        this.columns[c] = t.value;
        t.classList.toggle("is-invalid", !t.value.trim());
        this.say(t.value.trim() ? "" : "Заголовок столбца " + (c + 1) + " не заполнен.");
      } else {
        return;
      }
      this.sync();
    }

    onChange(e) {
      const t = e.target;
      if (!t.matches("select[data-row]")) return;
      const r = Number(t.dataset.row);
      const kind = t.value;
      if (kind === "group") {
        // A group row is one cell over the whole width: text typed in other cells joins the first.
        const text = this.rows[r].filter((v) => v.trim()).join(" ");
        this.rows[r] = this.fit([text]);
      }
      this.kinds[r] = kind;
      this.render(`select[data-row="${r}"]`);
    }

    onKey(e) {
      // Alt+↑/↓ on a cell moves between rows (Enter keeps its meaning: a new line in the cell).
      const t = e.target;
      if (!t.matches("textarea.grid-cell") || !e.altKey || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
      const r = Number(t.dataset.row) + (e.key === "ArrowUp" ? -1 : 1);
      const next = this.table.querySelector(`textarea[data-row="${r}"][data-col="${t.dataset.col}"]`)
        || this.table.querySelector(`textarea[data-row="${r}"]`);
      if (next) { e.preventDefault(); next.focus(); }
    }

    onPaste(e) {
      const t = e.target;
      if (!t.matches("textarea.grid-cell") || !e.clipboardData) return;
      const text = e.clipboardData.getData("text/plain");
      const html = e.clipboardData.getData("text/html") || "";
      // A block has tabs, or comes with an HTML table (a single column copied from Excel); any other
      // text, even with line breaks, is pasted into the one cell as usual.
      const word = /<table[\s>]/i.test(html) && /urn:schemas-microsoft-com:office:word/i.test(html)
        ? parseHtmlTable(html) : null;
      if (!word && (!text || !(text.includes("\t") || /<table[\s>]/i.test(html)))) return;
      const block = word ? word.rows : parseClipboard(text);
      if (!block.length) return;
      e.preventDefault();
      if (block.length === 1 && block[0].length === 1) {
        // One cell copied from a table: its text, without the quotes and the newline the table adds.
        t.setRangeText(block[0][0], t.selectionStart, t.selectionEnd, "end");
        t.dispatchEvent(new Event("input", { bubbles: true }));
        return;
      }
      this.paste(block, Number(t.dataset.row), Number(t.dataset.col), word ? word.groups : null);
    }

    // Writes `block` with its top-left cell at (r, c): rows below are overwritten and added as needed,
    // columns added when the table allows it. Returns an error message or "".
    paste(block, r, c, groups) {
      const width = block[0].length;
      const missing = c + width - this.columns.length;
      if (missing > 0) {
        if (!this.allowAddColumns) {
          const message = `Вставляемый блок шире таблицы: в нём ${columnsWord(width)}, а от выбранной ячейки ` +
            `до края таблицы — ${columnsWord(this.columns.length - c)}. В эту таблицу нельзя добавлять столбцы: ` +
            "вставьте блок в ячейку левее или скопируйте меньше столбцов.";
          this.say(message);
          return message;
        }
        for (let k = 0; k < missing; k += 1) {
          this.columns.push(this.freshName());
          if (this.widths) this.widths.push(this.widths.reduce((a, b) => a + b, 0) / this.widths.length);
        }
        this.rows = this.rows.map((row) => this.fit(row));
      }
      block.forEach((cells, k) => {
        const at = r + k;
        if (at >= this.rows.length) { this.rows.push(this.fit([])); this.kinds.push("data"); }
        cells.forEach((v, j) => { this.rows[at][c + j] = v; });
        if (groups && groups[k] && c === 0 && width === this.columns.length) this.kinds[at] = "group";
        else if (this.kinds[at] === "group" && width > 1) this.kinds[at] = "data";   // it has cells now
      });
      this.say("");
      this.render(`textarea[data-row="${r + block.length - 1}"][data-col="${c + width - 1}"]`);
      return "";
    }
  }

  function enhance(root) {
    if (root.gridEditor) return root.gridEditor;
    const source = root.querySelector("textarea.grid-json");
    try {
      JSON.parse(source.value || "{}");
    } catch (err) {
      // Not JSON (a failed POST shown back as typed): leave the textarea for the author to fix.
      root.prepend(el("div", { class: "form-text text-danger",
        text: "Таблица показана как текст: исправьте её формат, чтобы вернуться к редактору." }));
      return null;
    }
    root.gridEditor = new GridEditor(root);
    return root.gridEditor;
  }

  window.GridEditor = { parseClipboard, parseHtmlTable, enhance };
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".grid-editor").forEach(enhance);
  });
})();

// Dossier editor: rich text over plain textareas (text kept exactly as typed or pasted), the choice
// between a table and text where the form allows both, editable team rows, autosave.
// Progressive enhancement: without this file the form posts textareas and a few empty rows.
(() => {
  "use strict";
  const form = document.getElementById("dossier-form");
  if (!form) return;
  let dirty = false;
  let saving = false;
  const status = document.getElementById("autosave-status");
  const markDirty = () => { dirty = true; if (status) status.textContent = "Есть несохранённые изменения"; };

  document.querySelectorAll(".js-only").forEach((el) => el.classList.add("js-ready"));

  // --- rich text -----------------------------------------------------------------------------
  const TOOLS = [
    ["bold", "bi-type-bold", "Полужирный"],
    ["italic", "bi-type-italic", "Курсив"],
    ["insertUnorderedList", "bi-list-ul", "Маркированный список"],
    ["insertOrderedList", "bi-list-ol", "Нумерованный список"],
    ["createLink", "bi-link-45deg", "Ссылка"],
    ["unlink", "bi-link", "Убрать ссылку"],
    ["removeFormat", "bi-eraser", "Очистить оформление"],
  ];
  try { document.execCommand("defaultParagraphSeparator", false, "p"); } catch (e) { /* old browsers */ }

  const editors = [];
  form.querySelectorAll("textarea.rt-source").forEach((ta) => {
    const wrap = document.createElement("div");
    wrap.className = "rt-wrap";
    const bar = document.createElement("div");
    bar.className = "rt-toolbar btn-toolbar mb-1";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Оформление текста");
    const ed = document.createElement("div");
    ed.className = "rt-editor form-control";
    ed.contentEditable = "true";
    ed.setAttribute("role", "textbox");
    ed.setAttribute("aria-multiline", "true");
    ed.id = "rt-" + ta.id;
    const label = document.querySelector(`label[for="${ta.id}"]`);
    if (label) { ed.setAttribute("aria-labelledby", label.id || ""); label.htmlFor = ed.id; }
    ed.dataset.field = ta.name;
    // The value was sanitised by the server when it was saved.
    ed.innerHTML = ta.value;
    TOOLS.forEach(([cmd, icon, title]) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-sm btn-outline-secondary";
      b.title = title;
      b.setAttribute("aria-label", title);
      b.dataset.cmd = cmd;
      b.innerHTML = `<i class="bi ${icon}" aria-hidden="true"></i>`;
      b.addEventListener("mousedown", (ev) => ev.preventDefault()); // keep the selection
      b.addEventListener("click", () => {
        ed.focus();
        if (cmd === "createLink") {
          const url = window.prompt("Адрес ссылки (https://…)", "https://");
          if (!url || !/^(https?:\/\/|mailto:)/i.test(url)) return;
          document.execCommand(cmd, false, url);
        } else {
          document.execCommand(cmd, false, null);
        }
        sync(ed, ta);
      });
      bar.appendChild(b);
    });
    ed.addEventListener("input", () => sync(ed, ta));
    ed.addEventListener("paste", (ev) => {
      const data = ev.clipboardData;
      if (!data) return;
      ev.preventDefault();
      pastePlain(ed, data.getData("text/plain"));
      sync(ed, ta);
    });
    ed.addEventListener("keydown", (ev) => {
      if ((ev.ctrlKey || ev.metaKey) && (ev.key === "b" || ev.key === "i")) {
        ev.preventDefault();
        document.execCommand(ev.key === "b" ? "bold" : "italic", false, null);
        sync(ed, ta);
      }
    });
    ta.classList.add("d-none");
    ta.setAttribute("aria-hidden", "true");
    ta.tabIndex = -1;
    ta.parentNode.insertBefore(wrap, ta);
    wrap.appendChild(bar);
    wrap.appendChild(ed);
    editors.push([ed, ta]);
  });

  // --- plain-text paste ------------------------------------------------------------------------
  // Only the text is pasted: paragraphs (parts separated by a blank line) become <p>, single line
  // breaks <br>, and nothing of the source's or the replaced text's formatting is kept. Spaces stay as
  // they are (the editor is white-space: pre-wrap), so the saved text equals the pasted one.
  function linesInto(parent, text) {
    text.split("\n").forEach((line, i) => {
      if (i) parent.appendChild(document.createElement("br"));
      if (line) parent.appendChild(document.createTextNode(line));
    });
  }

  // A line break that ends a block shows no line of its own: the browser needs a second <br> there
  // (as richtext.from_text writes it), so the saved text keeps the author's final line break.
  function endLine(block, text) {
    if (text.endsWith("\n")) block.appendChild(document.createElement("br"));
  }

  function paragraph(text, closed = true) {
    const p = document.createElement("p");
    linesInto(p, text);
    if (closed) endLine(p, text);
    return p;
  }

  const isBlock = (n) => ["P", "UL", "OL", "DIV"].includes(n.nodeName);

  // The block the caret is in: its paragraph, its list item, or loose text wrapped into a paragraph.
  function blockOf(ed, node) {
    for (let li = node; li && li !== ed; li = li.parentNode) if (li.nodeName === "LI") return li;
    let child = node;
    while (child && child.parentNode !== ed) child = child.parentNode;
    if (!child) return null;
    if (child.nodeName === "P") return child;
    let first = child;
    while (first.previousSibling && !isBlock(first.previousSibling)) first = first.previousSibling;
    const p = document.createElement("p");
    ed.insertBefore(p, first);
    for (let n = first; n && !isBlock(n);) { const next = n.nextSibling; p.appendChild(n); n = next; }
    return p;
  }

  function pastePlain(ed, raw) {
    const parts = raw.replace(/\r\n?/g, "\n").split("\n\n");
    const sel = window.getSelection();
    const bare = (t) => t.replace(/\s/g, "");
    const whole = !sel.rangeCount || !ed.contains(sel.getRangeAt(0).commonAncestorContainer)
      || !bare(ed.textContent) || bare(sel.toString()) === bare(ed.textContent);
    if (whole) {
      ed.replaceChildren(...parts.map(paragraph));
      const range = document.createRange();
      range.selectNodeContents(ed.lastChild);
      range.collapse(false);
      sel.removeAllRanges();
      sel.addRange(range);
      return;
    }
    const range = sel.getRangeAt(0);
    range.deleteContents();
    // The caret as a node and offset: they stay valid while nodes around it move.
    let node = range.startContainer;
    let offset = range.startOffset;
    if (node === ed) {
      const p = document.createElement("p");
      ed.insertBefore(p, ed.childNodes[offset] || null);
      node = p;
      offset = 0;
    }
    const block = blockOf(ed, node);
    // Inside a list item the pasted paragraphs become lines of the item.
    const pieces = block.nodeName === "LI" ? [parts.join("\n")] : parts;
    // Split the block at the caret: the tail keeps its own formatting, the pasted text has none.
    const tailRange = document.createRange();
    tailRange.setStart(node, offset);
    tailRange.setEnd(block, block.childNodes.length);
    const tail = tailRange.extractContents();
    linesInto(block, pieces[0]);
    if (pieces.length > 1) endLine(block, pieces[0]);
    let last = block;
    pieces.slice(1).forEach((part, i) => {
      const p = paragraph(part, i < pieces.length - 2);
      last.after(p);
      last = p;
    });
    const caret = document.createRange();
    caret.selectNodeContents(last);
    caret.collapse(false);
    if (tail.textContent) last.appendChild(tail);
    else endLine(last, pieces[pieces.length - 1]);
    sel.removeAllRanges();
    sel.addRange(caret);
  }

  function sync(ed, ta) {
    const html = ed.innerHTML;
    if (ta.value !== html) { ta.value = html; markDirty(); }
  }
  const syncAll = () => editors.forEach(([ed, ta]) => sync(ed, ta));

  // --- table rows ----------------------------------------------------------------------------
  form.addEventListener("click", (ev) => {
    const add = ev.target.closest("[data-add-row]");
    if (add) {
      const key = add.dataset.addRow;
      const tpl = document.getElementById("tpl-" + key);
      const body = form.querySelector(`table[data-rows="${CSS.escape(key)}"] tbody`);
      if (tpl && body) {
        body.appendChild(tpl.content.cloneNode(true));
        const inputs = body.querySelectorAll("tr:last-child input");
        if (inputs.length) inputs[0].focus();
        markDirty();
      }
      return;
    }
    const rm = ev.target.closest("[data-remove-row]");
    if (rm) {
      const tr = rm.closest("tr");
      const body = tr.parentNode;
      tr.remove();
      if (!body.querySelector("tr")) {
        const key = body.closest("table").dataset.rows;
        const tpl = document.getElementById("tpl-" + key);
        if (tpl) body.appendChild(tpl.content.cloneNode(true));
      }
      markDirty();
    }
  });
  form.addEventListener("input", (ev) => { if (!ev.target.classList.contains("rt-editor")) markDirty(); });

  // --- sections written as a table or as text (the applicant chooses) ---------------------------
  function showMode(key) {
    const block = document.getElementById("sec-block-" + key);
    const checked = form.querySelector(`input[data-mode-for="${CSS.escape(key)}"]:checked`);
    if (!block || !checked) return;
    block.dataset.mode = checked.value;
    block.querySelectorAll(".mode-table").forEach((el) => { el.hidden = checked.value !== "table"; });
    block.querySelectorAll(".mode-text").forEach((el) => { el.hidden = checked.value !== "text"; });
  }
  form.querySelectorAll("input[data-mode-for]").forEach((r) => {
    showMode(r.dataset.modeFor);
    r.addEventListener("change", () => { showMode(r.dataset.modeFor); markDirty(); });
  });

  // --- completeness panel ----------------------------------------------------------------------
  function showMissing(missing, filled) {
    const list = document.getElementById("missing-list");
    const ok = document.getElementById("complete-note");
    if (list) {
      list.replaceChildren(...missing.map((m) => { const li = document.createElement("li"); li.textContent = m; return li; }));
      list.hidden = missing.length === 0;
    }
    if (ok) ok.hidden = missing.length !== 0;
    if (filled) {
      document.querySelectorAll("[data-toc]").forEach((li) => li.classList.toggle("filled", filled.includes(li.dataset.toc)));
    }
  }

  // --- autosave -------------------------------------------------------------------------------
  const every = parseInt(form.dataset.autosave || "0", 10);
  const token = form.querySelector('input[name="csrf_token"]').value;

  async function autosave() {
    if (!dirty || saving) return;
    saving = true;
    syncAll();
    dirty = false;
    const data = new FormData(form);
    data.delete("go");
    try {
      const resp = await fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRFToken": token, "X-Requested-With": "fetch", "Accept": "application/json" },
      });
      const body = await resp.json().catch(() => ({}));
      if (resp.ok && body.ok) {
        form.ownerDocument.querySelectorAll('input[name="expected_version"]').forEach((el) => { el.value = body.version; });
        if (status) status.textContent = "Сохранено в " + body.saved_at;
        showMissing(body.missing || [], body.filled);
      } else {
        dirty = true;
        if (status) status.textContent = body.error || "Не удалось сохранить автоматически. Нажмите «Сохранить».";
      }
    } catch (e) {
      dirty = true;
      if (status) status.textContent = "Нет связи с сервером: изменения пока не сохранены.";
    } finally {
      saving = false;
    }
  }
  if (every > 0) window.setInterval(autosave, every * 1000);
  form.autosaveNow = autosave; // for tests and the impatient

  form.addEventListener("submit", () => { syncAll(); dirty = false; });
  window.addEventListener("beforeunload", (ev) => {
    if (dirty) { ev.preventDefault(); ev.returnValue = ""; }
  });
})();

// What a paste into the grid editor (static/grid.js) holds, as pure functions: the plain text of a block
// copied from Excel or Word, and the HTML table Word puts beside it.
(function () {
  "use strict";

  // Clipboard text of a block copied from Word or Excel: cells separated by tabs, rows by newlines
  // (CRLF or LF); a cell holding a line break, a tab or a quote is wrapped in double quotes, with ""
  // for a quote inside. A quote that does not open such a cell is kept as typed. Returns rows of cells
  // (ragged rows padded with ""); the trailing newline and trailing empty rows are dropped.
  function parseClipboard(text) {
    const rows = [];
    let row = [];
    let cell = "";
    let atStart = true;           // at the start of a cell: a quote here may open a quoted cell
    let i = 0;
    const n = text.length;
    const endRow = () => { row.push(cell); rows.push(row); row = []; cell = ""; atStart = true; };
    while (i < n) {
      const ch = text[i];
      if (atStart && ch === '"') {
        let j = i + 1;
        let value = "";
        let closed = false;
        while (j < n) {
          if (text[j] === '"') {
            if (text[j + 1] === '"') { value += '"'; j += 2; continue; }
            closed = true; j += 1; break;
          }
          value += text[j]; j += 1;
        }
        if (closed && (j >= n || text[j] === "\t" || text[j] === "\n" || text[j] === "\r")) {
          cell = value.replace(/\r\n?/g, "\n");
          atStart = false;
          i = j;
          continue;
        }
      }
      if (ch === "\t") { row.push(cell); cell = ""; atStart = true; i += 1; continue; }
      if (ch === "\r" || ch === "\n") { endRow(); i += (ch === "\r" && text[i + 1] === "\n") ? 2 : 1; continue; }
      cell += ch; atStart = false; i += 1;
    }
    if (!atStart || cell !== "" || row.length) endRow();
    while (rows.length && rows[rows.length - 1].every((c) => c === "")) rows.pop();
    const width = rows.reduce((m, r) => Math.max(m, r.length), 0);
    rows.forEach((r) => { while (r.length < width) r.push(""); });
    return rows;
  }

  // The first table of clipboard HTML from Word, or null. Word's plain text splits a cell's paragraphs
  // into rows, its HTML keeps them: paragraphs and <br> become line breaks inside the cell. A merged
  // cell (colspan) fills its columns with "", so the block stays rectangular.
  function parseHtmlTable(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");   // inert: nothing runs or loads
    const table = doc.querySelector("table");
    if (!table) return null;
    const cellText = (cell) => {
      const lines = [];
      let line = "";
      const walk = (node) => {
        node.childNodes.forEach((child) => {
          if (child.nodeType === Node.TEXT_NODE) {
            line += child.nodeValue.replace(/[ \t\r\n]+/g, " ");   // HTML layout spaces; &nbsp; is typed
          } else if (child.nodeName === "BR") {
            lines.push(line); line = "";
          } else if (/^(P|DIV|LI|H[1-6])$/.test(child.nodeName)) {
            if (line.trim()) { lines.push(line); line = ""; }
            walk(child);
            lines.push(line); line = "";
          } else {
            walk(child);
          }
        });
      };
      walk(cell);
      if (line.trim()) lines.push(line);
      return lines.map((l) => l.replace(/^ +| +$/g, "").replace(/\u00a0/g, " ")).join("\n")
        .replace(/^\n+|\n+$/g, "");
    };
    const rows = [];
    const spans = [];
    table.querySelectorAll("tr").forEach((tr) => {
      if (tr.closest("table") !== table) return;
      const row = [];
      let span = 1;
      tr.querySelectorAll("td, th").forEach((cell) => {
        if (cell.closest("tr") !== tr) return;
        row.push(cellText(cell));
        const n = Math.max(1, Number(cell.getAttribute("colspan") || 1));
        span = Math.max(span, tr.cells.length === 1 ? n : 1);
        for (let k = 1; k < n; k += 1) row.push("");
      });
      rows.push(row);
      spans.push(span);
    });
    const width = rows.reduce((m, r) => Math.max(m, r.length), 0);
    rows.forEach((r) => { while (r.length < width) r.push(""); });
    // A row of one cell merged over the whole width is a group row, as in the author's document.
    return { rows: rows, groups: spans.map((s) => width > 1 && s === width) };
  }

  window.GridPaste = { parseClipboard, parseHtmlTable };
})();

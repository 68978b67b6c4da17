// Drop zone: each file is sent on its own request (three at a time) so that each
// row shows its own progress bar and result.
"use strict";

(function () {
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("file-input");
  const table = document.getElementById("upload-results");
  const rows = table.querySelector("tbody");
  const maxBytes = Number(zone.dataset.maxBytes);
  const STATUS = { added: "Đã thêm", present: "Đã có (trùng)", failed: "Lỗi" };
  const queue = [];
  let running = 0;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function documentLink(doc) {
    const link = el("a", { href: "/van-ban/" + encodeURIComponent(doc.id), class: "doc-link" });
    link.append(el("span", { class: "doc-type" }, doc.doc_type || "Văn bản"), " ",
                el("span", { class: "doc-number" }, doc.number || "(chưa rõ số)"));
    const item = el("li");
    item.append(link);
    if (doc.title) item.append(el("div", { class: "doc-title" }, doc.title));
    return item;
  }

  function addRow(file) {
    const row = el("tr", { class: "upload-row" });
    const progress = el("progress", { max: "100", value: "0" });
    const status = el("td", { class: "status" }, "Đang chờ");
    const docs = el("td");
    row.append(el("td", { class: "file-name" }, file.name), el("td"), status, docs);
    row.children[1].append(progress);
    rows.append(row);
    table.hidden = false;
    return { row, progress, status, docs };
  }

  function finish(view, state, label, message) {
    view.row.dataset.state = state;
    view.status.textContent = label;
    view.status.className = "status status-" + state;
    if (message) view.docs.append(el("div", { class: "error-text" }, message));
  }

  function send(file, view) {
    running += 1;
    const body = new FormData();
    body.append("files", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/files");
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) view.progress.value = (100 * e.loaded) / e.total; };
    xhr.upload.onload = () => { view.progress.removeAttribute("value"); view.status.textContent = "Đang xử lý…"; };
    xhr.onload = () => {
      view.progress.value = 100;
      const data = xhr.response || {};
      if (xhr.status !== 200 || !data.files) {
        const error = (data.error && data.error.message) || "Lỗi máy chủ (" + xhr.status + ")";
        finish(view, "failed", STATUS.failed, error);
      } else {
        const result = data.files[0];
        finish(view, result.status, STATUS[result.status], result.error && result.error.message);
        const list = el("ul", { class: "doc-list" });
        result.documents.forEach((doc) => list.append(documentLink(doc)));
        view.docs.append(list);
      }
      done();
    };
    xhr.onerror = () => { finish(view, "failed", STATUS.failed, "Mất kết nối tới máy chủ"); done(); };
    xhr.send(body);
  }

  function done() {
    running -= 1;
    next();
  }

  function next() {
    while (running < 3 && queue.length) {
      const [file, view] = queue.shift();
      send(file, view);
    }
  }

  function accept(files) {
    Array.from(files).forEach((file) => {
      const view = addRow(file);
      if (file.size > maxBytes) {
        finish(view, "failed", STATUS.failed, "Tệp vượt quá giới hạn dung lượng");
        return;
      }
      queue.push([file, view]);
    });
    next();
  }

  input.addEventListener("change", () => { accept(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach((type) => zone.addEventListener(type, (e) => {
    e.preventDefault();
    zone.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((type) => zone.addEventListener(type, () => zone.classList.remove("over")));
  zone.addEventListener("drop", (e) => { e.preventDefault(); accept(e.dataTransfer.files); });
})();

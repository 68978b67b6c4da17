// Drop zone: each file is sent on its own request (three at a time) so that each
// row shows its own progress bar. The server queues the file and answers at once
// (wait=0) with its job, which is then polled until it is done or has failed.
"use strict";

(function () {
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("file-input");
  const table = document.getElementById("upload-results");
  const rows = table.querySelector("tbody");
  const maxBytes = Number(zone.dataset.maxBytes);
  const STATUS = {
    added: "Đã thêm", present: "Đã có (trùng)", failed: "Lỗi",
    queued: "Trong hàng đợi", running: "Đang xử lý…",
  };
  const POLL_MS = 1000;
  const queue = [];             // files waiting to be sent
  const watched = new Map();    // job id -> its row, while queued or running
  let sending = 0;
  let polling = false;

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
    const status = el("td", { class: "status" }, "Đang chờ gửi");
    const docs = el("td");
    row.append(el("td", { class: "file-name" }, file.name), el("td"), status, docs);
    row.children[1].append(progress);
    rows.append(row);
    table.hidden = false;
    return { row, progress, status, docs };
  }

  // status: one of STATUS's keys; documents and message once the file is done or failed.
  function show(view, status, documents, message) {
    view.row.dataset.state = status;
    view.status.textContent = STATUS[status];
    view.status.className = "status status-" + status;
    if (status === "queued" || status === "running") return;
    view.progress.value = 100;
    if (message) view.docs.append(el("div", { class: "error-text" }, message));
    if (documents && documents.length) {
      const list = el("ul", { class: "doc-list" });
      documents.forEach((doc) => list.append(documentLink(doc)));
      view.docs.append(list);
    }
  }

  function failed(view, message) {
    show(view, "failed", [], message);
  }

  function send(file, view) {
    sending += 1;
    const body = new FormData();
    body.append("files", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/files?wait=0");
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) view.progress.value = (100 * e.loaded) / e.total; };
    xhr.upload.onload = () => { view.progress.removeAttribute("value"); view.status.textContent = "Đang gửi…"; };
    xhr.onload = () => {
      const data = xhr.response || {};
      if ((xhr.status === 200 || xhr.status === 202) && data.files) {
        const result = data.files[0];
        show(view, result.status, result.documents, result.error && result.error.message);
        if (result.status === "queued" || result.status === "running") watch(result.job_id, view);
      } else {
        failed(view, (data.error && data.error.message) || "Lỗi máy chủ (" + xhr.status + ")");
      }
      sent();
    };
    xhr.onerror = () => { failed(view, "Mất kết nối tới máy chủ"); sent(); };
    xhr.send(body);
  }

  function sent() {
    sending -= 1;
    next();
  }

  function next() {
    while (sending < 3 && queue.length) {
      const [file, view] = queue.shift();
      send(file, view);
    }
  }

  function watch(jobId, view) {
    watched.set(jobId, view);
    if (!polling) {
      polling = true;
      setTimeout(poll, POLL_MS);
    }
  }

  function check(jobId, view) {
    return fetch("/api/jobs/" + jobId, { headers: { Accept: "application/json" } })
      .then((response) => response.json().then((job) => {
        if (!response.ok) {
          watched.delete(jobId);
          failed(view, (job.error && job.error.message) || "Lỗi máy chủ (" + response.status + ")");
        } else if (job.state === "done" || job.state === "failed") {
          watched.delete(jobId);
          show(view, job.state === "done" ? job.outcome : "failed", job.documents,
               job.reason && "Không đọc được tệp: " + job.reason);
        } else {
          show(view, job.state);
        }
      }))
      .catch(() => {});   // the connection dropped: look again on the next round
  }

  function poll() {
    Promise.all(Array.from(watched, ([jobId, view]) => check(jobId, view))).then(() => {
      polling = watched.size > 0;
      if (polling) setTimeout(poll, POLL_MS);
    });
  }

  function accept(files) {
    Array.from(files).forEach((file) => {
      const view = addRow(file);
      if (file.size > maxBytes) {
        failed(view, "Tệp vượt quá giới hạn dung lượng");
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

// Document page: show or hide a kind of highlight, jump from a highlight to its
// entry beside the text, re-extract or delete the file.
"use strict";

(function () {
  const text = document.getElementById("doc-text");
  document.querySelectorAll("#legend input[data-kind]").forEach((box) => {
    box.addEventListener("change", () => text.classList.toggle("hide-" + box.dataset.kind, !box.checked));
  });

  text.addEventListener("click", (e) => {
    const mark = e.target.closest("mark[data-keys]");
    if (!mark) return;
    // "c3" -> the third citation's entry, id "c-3"; fields have no entry of their own.
    const key = mark.dataset.keys.split(" ").find((k) => /^[cts]\d+$/.test(k));
    const entry = key && document.getElementById(key[0] + "-" + key.slice(1));
    if (entry) {
      entry.scrollIntoView({ behavior: "smooth", block: "center" });
      entry.classList.add("flash");
      setTimeout(() => entry.classList.remove("flash"), 1200);
    }
  });

  const actions = document.getElementById("doc-actions");
  const status = document.getElementById("action-status");
  const docId = actions.dataset.docId;

  async function call(method, url) {
    status.textContent = "Đang xử lý…";
    const response = await fetch(url, { method, credentials: "same-origin" });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      status.textContent = (data.error && data.error.message) || "Lỗi " + response.status;
      return null;
    }
    return data;
  }

  actions.addEventListener("click", async (e) => {
    const button = e.target.closest("button[data-action]");
    if (!button) return;
    if (button.dataset.action === "reextract") {
      const data = await call("POST", "/api/documents/" + encodeURIComponent(docId) + "/reextract");
      if (data) window.location.href = "/van-ban/" + encodeURIComponent(data.document_ids[0]);
    } else if (button.dataset.action === "delete") {
      if (!window.confirm("Xóa tệp này và mọi văn bản đọc từ nó?")) return;
      const data = await call("DELETE", "/api/files/" + actions.dataset.sha256);
      if (data) window.location.href = "/";
    }
  });
})();

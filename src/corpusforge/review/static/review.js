// corpusforge review: keyboard shortcuts, list cursor, drag ordering of candidates. No build step.
(function () {
  "use strict";
  const typing = (el) => el && el.closest && el.closest("input, textarea, select, [contenteditable]");

  // List page: j/k move a cursor over the rows, Enter or o opens the sample.
  const rows = Array.from(document.querySelectorAll("#sample-list tr[data-href]"));
  let cursor = -1;
  const moveCursor = (d) => {
    if (!rows.length) return;
    if (cursor >= 0) rows[cursor].classList.remove("cursor");
    cursor = Math.max(0, Math.min(rows.length - 1, cursor + d));
    rows[cursor].classList.add("cursor");
    rows[cursor].scrollIntoView({ block: "nearest" });
  };
  rows.forEach((tr) => tr.addEventListener("click", (e) => {
    if (!e.target.closest("a")) window.location.href = tr.dataset.href;
  }));

  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && typing(e.target)) {
      const save = document.getElementById("save");
      if (save) { e.preventDefault(); save.click(); }
      return;
    }
    if (e.key === "Escape" && typing(e.target)) { e.target.blur(); return; }
    if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (rows.length && (e.key === "j" || e.key === "k")) {
      e.preventDefault();
      moveCursor(e.key === "j" ? 1 : -1);
      return;
    }
    if (rows.length && cursor >= 0 && (e.key === "Enter" || e.key === "o")) {
      e.preventDefault();
      window.location.href = rows[cursor].dataset.href;
      return;
    }
    const target = Array.from(document.querySelectorAll("[data-key]")).find((el) => el.dataset.key === e.key);
    if (target) { e.preventDefault(); target.click(); }
  });

  // Sample page: warn before an unsaved edit is left behind (skip, j/k, links); save/accept/reject keep it.
  const form = document.getElementById("review-form");
  if (form) {
    let dirty = false;
    form.addEventListener("input", () => { dirty = true; });
    form.addEventListener("submit", (e) => {
      if (!e.submitter || e.submitter.value !== "skip") dirty = false;
    });
    window.addEventListener("beforeunload", (e) => {
      if (dirty) { e.preventDefault(); e.returnValue = ""; }
    });
  }

  // Forms that change many samples ask first.
  document.querySelectorAll("form[data-confirm]").forEach((f) => f.addEventListener("submit", (e) => {
    const n = f.querySelector("input[name=min_score_bulk]");
    if (!window.confirm(f.dataset.confirm.replace("{score}", n ? n.value : ""))) e.preventDefault();
  }));

  // Rating page: drag (or the arrow buttons) to order candidates; the order becomes their ranks.
  const list = document.getElementById("cands");
  if (!list) return;
  const order = document.getElementById("order");
  const useOrder = document.getElementById("use_order");
  const sync = () => {
    order.value = Array.from(list.children).map((li) => li.dataset.idx).join(",");
    useOrder.value = "1";
  };
  let dragged = null;
  list.addEventListener("dragstart", (e) => {
    dragged = e.target.closest(".cand");
    if (dragged) { dragged.classList.add("dragging"); e.dataTransfer.effectAllowed = "move"; }
  });
  list.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    list.querySelectorAll(".over").forEach((el) => el.classList.remove("over"));
    dragged = null;
  });
  list.addEventListener("dragover", (e) => {
    const over = e.target.closest(".cand");
    if (!dragged || !over || over === dragged) return;
    e.preventDefault();
    list.querySelectorAll(".over").forEach((el) => el.classList.remove("over"));
    over.classList.add("over");
  });
  list.addEventListener("drop", (e) => {
    const over = e.target.closest(".cand");
    if (!dragged || !over || over === dragged) return;
    e.preventDefault();
    const box = over.getBoundingClientRect();
    list.insertBefore(dragged, e.clientY > box.top + box.height / 2 ? over.nextSibling : over);
    sync();
  });
  list.addEventListener("click", (e) => {
    const btn = e.target.closest("button.up, button.down");
    if (!btn) return;
    const li = btn.closest(".cand");
    if (btn.classList.contains("up") && li.previousElementSibling) list.insertBefore(li, li.previousElementSibling);
    if (btn.classList.contains("down") && li.nextElementSibling) list.insertBefore(li.nextElementSibling, li);
    sync();
  });
})();

// Drafts kept in the browser, so a dropped connection or a closed tab loses nothing. A form
// marked data-draft="KEY" is saved to this browser's storage as it is filled in; the draft is
// offered again when the page is opened anew:
// - data-draft-mode="restore" (the plan editor): the values are put back, if the draft was made
//   on the version the page shows (data-draft-base); a saved plan has a new version, so its
//   draft is never put over it;
// - data-draft-mode="resume" (the survey, one screen at a time): a button takes the survey back
//   to where it was left, every answer carried.
// An element data-clear-draft="KEY" (the page after a survey is saved) ends the draft. Without
// JavaScript, nothing of this happens and the forms work as they do.
(function () {
  const store = window.localStorage;
  if (!store) return;
  document.querySelectorAll("[data-clear-draft]").forEach(function (e) {
    store.removeItem("homeward:" + e.dataset.clearDraft);
  });
  const form = document.querySelector("form[data-draft]");
  if (!form) return;
  const key = "homeward:" + form.dataset.draft;
  const base = form.dataset.draftBase || "";
  const skip = ["csrf", "go"];
  function pairs() {
    return Array.from(new FormData(form).entries()).filter(function (p) { return skip.indexOf(p[0]) < 0; });
  }
  function save() {
    try { store.setItem(key, JSON.stringify({ base: base, pairs: pairs() })); } catch (e) { /* storage full: no draft */ }
  }
  let timer = null;
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 300); });
  form.addEventListener("change", save);
  let draft = null;
  try { draft = JSON.parse(store.getItem(key) || "null"); } catch (e) { draft = null; }
  // No draft, one made on another version, or a form the server sent back refused (its values
  // are the newest): nothing to offer.
  if (!draft || draft.base !== base || form.querySelector("[aria-invalid=true]")) return;
  const note = document.querySelector("[data-draft-note]");
  if (form.dataset.draftMode === "resume") {
    if (!note || form.querySelector('input[type="hidden"][name^="Q"]')) return;
    note.hidden = false;
    note.querySelector("button").addEventListener("click", function () {
      let screen = "0";
      form.querySelectorAll('input[type="hidden"]:not([name="csrf"])').forEach(function (i) { i.remove(); });
      form.querySelectorAll("input, select, textarea").forEach(function (i) {
        if (i.type !== "hidden" && i.type !== "submit") i.disabled = true;
      });
      draft.pairs.forEach(function (p) {
        if (p[0] === "screen") { screen = p[1]; return; }
        const input = document.createElement("input");
        input.type = "hidden"; input.name = p[0]; input.value = p[1];
        form.appendChild(input);
      });
      const go = document.createElement("input");
      go.type = "hidden"; go.name = "go"; go.value = "to-" + screen;
      const at = document.createElement("input");
      at.type = "hidden"; at.name = "screen"; at.value = "0";
      form.appendChild(go); form.appendChild(at);
      form.submit();
    });
    return;
  }
  const values = {};
  draft.pairs.forEach(function (p) { (values[p[0]] = values[p[0]] || []).push(p[1]); });
  Object.keys(values).forEach(function (name) {
    const wanted = values[name].slice();
    form.querySelectorAll('[name="' + CSS.escape(name) + '"]').forEach(function (e) {
      if (e.type === "checkbox" || e.type === "radio") e.checked = values[name].indexOf(e.value) >= 0;
      else if (e.type !== "hidden") e.value = wanted.length ? wanted.shift() : "";
    });
  });
  if (note) note.hidden = false;
})();

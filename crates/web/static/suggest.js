// Suggestions as you type in the caseload's search, for browsers with JavaScript: after two
// letters, the first cases the search finds, each a link to its case. Without JavaScript the
// search form works as it does.
(function () {
  const input = document.querySelector("input[data-suggest]");
  if (!input) return;
  const list = document.createElement("ul");
  list.className = "suggestions";
  list.setAttribute("aria-live", "polite");
  list.setAttribute("aria-label", input.dataset.suggestLabel || "");
  input.insertAdjacentElement("afterend", list);
  let timer = null;
  let asked = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      const q = input.value.trim();
      if (q.length < 2) { list.replaceChildren(); return; }
      asked = q;
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) {
          if (asked !== q) return;
          list.replaceChildren.apply(list, found.map(function (c) {
            const li = document.createElement("li");
            const a = document.createElement("a");
            a.href = "/cases/" + encodeURIComponent(c.id);
            a.textContent = c.case_number + " · " + c.name;
            li.appendChild(a);
            return li;
          }));
        })
        .catch(function () { list.replaceChildren(); });
    }, 250);
  });
})();

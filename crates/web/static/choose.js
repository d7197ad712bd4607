// Choosing from a long list, for browsers with JavaScript: a search box above each
// `select[data-filter-label]` hides the options whose text does not contain every word typed
// (accents and case ignored), so a partner is found by its name, service or place. Without
// JavaScript the list is the plain select it is.
(function () {
  const fold = function (text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };
  document.querySelectorAll("select[data-filter-label]").forEach(function (select, n) {
    const box = document.createElement("input");
    box.type = "search";
    box.id = "filter-" + (select.id || n);
    box.autocomplete = "off";
    const label = document.createElement("label");
    label.htmlFor = box.id;
    label.textContent = select.dataset.filterLabel;
    select.insertAdjacentElement("beforebegin", label);
    select.insertAdjacentElement("beforebegin", box);
    box.addEventListener("input", function () {
      const words = fold(box.value).split(/\s+/).filter(Boolean);
      let first = null;
      Array.from(select.options).forEach(function (option) {
        if (!option.value) return;
        const text = fold(option.textContent);
        const shown = words.every(function (w) { return text.includes(w); });
        option.hidden = !shown;
        option.disabled = !shown;
        if (shown && !first) first = option;
      });
      // The first partner found is chosen unless one still shown is chosen already.
      const current = select.selectedOptions[0];
      if (first && (!current || !current.value || current.hidden)) select.value = first.value;
    });
  });
})();

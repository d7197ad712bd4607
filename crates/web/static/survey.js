// Skip logic in the browser: a question asked only when an earlier one has a given answer is
// hidden, and its answer cleared, until it applies. Without JavaScript every question shows
// with a note saying when it applies, and the server refuses answers to questions not asked.
(function () {
  const gated = document.querySelectorAll("[data-gate]");
  function update() {
    gated.forEach(function (q) {
      const gate = document.querySelector('input[name="' + q.dataset.gate + '"]:checked');
      const applies = gate !== null && gate.value === q.dataset.gateCode;
      q.hidden = !applies;
      if (!applies) q.querySelectorAll("input").forEach(function (i) { i.checked = false; });
    });
  }
  document.addEventListener("change", update);
  update();
})();

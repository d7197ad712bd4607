// Live help on a survey screen, for browsers with JavaScript (the server checks all of it
// either way):
// - skip logic: a question asked only when an earlier one has a given answer is hidden, and its
//   answer cleared, until it applies (the earlier answer may be on this screen or carried over
//   from another in a hidden input);
// - stand-alone choices: ticking one unticks the other boxes of its question, and ticking any
//   other box unticks it.
(function () {
  const gated = document.querySelectorAll("[data-gate]");
  function update() {
    gated.forEach(function (q) {
      const name = q.dataset.gate;
      const gate = document.querySelector('input[name="' + name + '"]:checked, input[type="hidden"][name="' + name + '"]');
      const applies = gate !== null && gate.value === q.dataset.gateCode;
      q.hidden = !applies;
      if (!applies) q.querySelectorAll("input").forEach(function (i) { i.checked = false; });
    });
  }
  document.addEventListener("change", function (event) {
    const box = event.target;
    if (box.type === "checkbox" && box.checked) {
      const others = document.querySelectorAll('input[type="checkbox"][name="' + box.name + '"]');
      others.forEach(function (o) {
        if (o !== box && (box.hasAttribute("data-exclusive") || o.hasAttribute("data-exclusive"))) o.checked = false;
      });
    }
    update();
  });
  update();
})();

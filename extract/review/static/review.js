// Keyboard review on the article page: j/n next figure, k/p previous, c confirm,
// e correct, x reject. The current figure is outlined in the text and its card is shown.
(function () {
  "use strict";
  var cards = [];
  var current = -1;

  function select(i, scroll) {
    if (!cards.length) return;
    current = (i + cards.length) % cards.length;
    cards.forEach(function (card, j) {
      card.classList.toggle("current", j === current);
      var mark = document.getElementById("fact-" + card.dataset.fact);
      if (mark) mark.classList.toggle("current", j === current);
    });
    var card = cards[current];
    var mark = document.getElementById("fact-" + card.dataset.fact);
    if (scroll) {
      card.scrollIntoView({ block: "nearest" });
      if (mark) mark.scrollIntoView({ block: "center" });
      history.replaceState(null, "", "?fact=" + encodeURIComponent(card.dataset.fact) + "#fact-" + card.dataset.fact);
    }
    var img = card.dataset.page && document.querySelector('img.page-image[data-page="' + card.dataset.page + '"]');
    if (img) img.src = img.dataset.srcBase + "?fact=" + encodeURIComponent(card.dataset.fact);
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function onKey(event) {
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    var card = cards[current];
    switch (event.key) {
      case "j": case "n": select(current + 1, true); break;
      case "k": case "p": select(current - 1, true); break;
      case "c":
        if (card) card.querySelector("form.verdict-confirm").submit();
        break;
      case "e":
        if (card) {
          var box = card.querySelector("details.correct-box");
          box.open = true;
          box.querySelector("input[name=value]").focus();
        }
        break;
      case "x":
        if (card) card.querySelector("form.verdict-reject input[name=note]").focus();
        break;
      default: return;
    }
    event.preventDefault();
  }

  document.addEventListener("DOMContentLoaded", function () {
    cards = Array.prototype.slice.call(document.querySelectorAll("aside.figures .card"));
    if (!cards.length) return;
    var start = cards.findIndex(function (c) { return c.classList.contains("current"); });
    select(start < 0 ? 0 : start, false);
    document.querySelectorAll("mark.fig").forEach(function (mark) {
      mark.addEventListener("click", function () {
        var i = cards.findIndex(function (c) { return c.dataset.fact === mark.dataset.fact; });
        if (i >= 0) select(i, true);
      });
    });
    cards.forEach(function (card, i) {
      card.addEventListener("focusin", function () { if (current !== i) select(i, false); });
    });
    document.addEventListener("keydown", onKey);
  });
})();

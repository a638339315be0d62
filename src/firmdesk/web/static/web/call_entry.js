// The call entry page, keyboard only: Enter sends the message (Shift+Enter is a
// new line in the message); in the matter field, ↓ or Tab goes to the matches,
// ↑/↓ move between them, Enter takes one and Escape goes back to typing.
(function () {
  "use strict";

  const form = document.getElementById("call-form");
  if (!form) return;
  const query = form.querySelector("[data-matter-lookup]");
  const chosen = form.querySelector("input[name=matter]");
  const results = document.getElementById("matter-results");
  const recipient = form.querySelector("select[name=recipient]");
  const message = form.querySelector("textarea[name=message]");
  let recipientTouched = recipient && recipient.value !== "";

  function options() {
    return Array.from(results.querySelectorAll("button.matter-option"));
  }

  function clearResults() {
    results.replaceChildren();
  }

  function choose(option) {
    chosen.value = option.dataset.matter;
    query.value = option.dataset.label;
    const attorney = option.dataset.attorney;
    if (recipient && attorney && !recipientTouched) {
      recipient.value = attorney;
    }
    clearResults();
    (message || query).focus();
  }

  if (recipient) {
    recipient.addEventListener("change", function () {
      recipientTouched = recipient.value !== "";
    });
  }

  query.addEventListener("input", function () {
    // Typing again undoes the choice until a match is taken.
    chosen.value = "";
  });

  query.addEventListener("keydown", function (event) {
    const found = options();
    if (event.key === "ArrowDown" && found.length) {
      event.preventDefault();
      found[0].focus();
    } else if (event.key === "Escape") {
      clearResults();
    } else if (event.key === "Enter" && found.length && !chosen.value) {
      event.preventDefault();
      choose(found[0]);
    }
  });

  results.addEventListener("click", function (event) {
    const option = event.target.closest("button.matter-option");
    if (option) choose(option);
  });

  results.addEventListener("keydown", function (event) {
    const option = event.target.closest("button.matter-option");
    if (!option) return;
    const found = options();
    const at = found.indexOf(option);
    if (event.key === "ArrowDown") {
      event.preventDefault();
      (found[at + 1] || found[at]).focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (at > 0 ? found[at - 1] : query).focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      clearResults();
      query.focus();
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      choose(option);
    }
  });

  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.defaultPrevented || event.isComposing) {
      return;
    }
    const target = event.target;
    if (target.closest("#matter-results") || target.tagName === "BUTTON") return;
    if (target.tagName === "A") return;
    if (target.tagName === "TEXTAREA" && event.shiftKey) return;
    event.preventDefault();
    form.requestSubmit();
  });
})();

// The person's follow-up form: after a refused answer, move the focus to the list of
// problems so that a screen reader reads it first. The page works the same without it.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();

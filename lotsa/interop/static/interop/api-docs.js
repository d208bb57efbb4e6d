/* The API's browsable document: starts Swagger UI (django-ninja's static copy) with the
   settings the page carries as JSON data (no inline script: the site's CSP), and makes the
   code blocks it draws reachable by keyboard (WCAG 2.1.1: a scrollable region must take
   focus). */
(function () {
  "use strict";
  const settings = JSON.parse(document.getElementById("swagger-ui").dataset.settings);
  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  SwaggerUIBundle(settings);

  const SCROLLABLE = ".microlight, .highlight-code pre, .body-param__example, textarea";
  function focusable(root) {
    root.querySelectorAll(SCROLLABLE).forEach(function (element) {
      if (!element.hasAttribute("tabindex")) {
        element.setAttribute("tabindex", "0");
      }
    });
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType === Node.ELEMENT_NODE) {
          focusable(node.parentNode || node);
        }
      });
    });
  }).observe(document.getElementById("swagger-ui"), { childList: true, subtree: true });
})();

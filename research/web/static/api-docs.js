// Swagger UI over this server's OpenAPI document; loaded as a file so the page needs no inline script.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  window.SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});

"""Paths of the vendored front-end assets under a service's /static (see static/vendor/VERSIONS.txt)."""

HTMX = "vendor/htmx-2.0.11.min.js"
SWAGGER_JS = "vendor/swagger-ui/swagger-ui-bundle.js"
SWAGGER_CSS = "vendor/swagger-ui/swagger-ui.css"
STYLE = "nastavnik.css"

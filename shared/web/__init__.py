"""The web kit every service's pages share: one layout, navigation and style, the browser
session and its CSRF token, Russian error pages, vendored htmx (see pages.py)."""

from shared.web.pages import PageError, Pages, SignInRequired, forbidden, install_pages, not_found
from shared.web.session import CSRF_FIELD, clear_session_cookie, csrf_token, issue_session, set_session_cookie

__all__ = [
    "CSRF_FIELD", "PageError", "Pages", "SignInRequired", "clear_session_cookie", "csrf_token", "forbidden",
    "install_pages", "issue_session", "not_found", "set_session_cookie",
]

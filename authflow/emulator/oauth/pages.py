"""The managed login pages as HTML: the sign-in form, one form per challenge, the error page.

Plain server-rendered forms with no script, so any browser (or an HTTP client posting the same
fields) can drive them. Every value is HTML-escaped. Each form carries the CSRF token in the
hidden field ``_csrf`` (its twin is the ``XSRF-TOKEN`` cookie, the names Cognito's pages use) and,
after the first step, the sign-in's ``transaction`` id. Field names and element ids are stable
(``username``, ``password``, ``code``, ``new_password``, ``answer``, ``submit``) so tests can
fill them in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

__all__ = ["challenge_page", "error_page", "login_page"]

_STYLE = """
body{font-family:sans-serif;background:#f2f4f7;margin:0}
main{max-width:22rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;
box-shadow:0 2px 8px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin-top:0;color:#232f3e}
label{display:block;margin:.8rem 0 .3rem;font-weight:bold}
input[type=text],input[type=password]{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1.2rem;width:100%;padding:.6rem;background:#ec7211;color:#fff;border:0;
border-radius:4px;font-size:1rem}
.error{background:#fde8e8;color:#9b1c1c;padding:.6rem;border-radius:4px}
.note{color:#555;font-size:.9rem}
code{word-break:break-all}
"""

_CODE_PROMPTS = {
    "SOFTWARE_TOKEN_MFA": "Enter the code from your authenticator app.",
    "SMS_MFA": "Enter the code we sent by text message to {destination}.",
    "EMAIL_OTP": "Enter the code we sent by email to {destination}.",
}


def _document(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )


def _error(message: str | None) -> str:
    return f"<p class='error' id='error'>{escape(message)}</p>" if message else ""


def _form(action: str, csrf: str, fields: str, *, transaction: str | None = None) -> str:
    hidden = f"<input type='hidden' name='_csrf' value='{escape(csrf)}'>"
    if transaction is not None:
        hidden += f"<input type='hidden' name='transaction' value='{escape(transaction)}'>"
    return (
        f"<form method='post' action='{escape(action)}'>{hidden}{fields}"
        "<button type='submit' id='submit' name='submit'>Continue</button></form>"
    )


def _text_field(name: str, label: str, *, kind: str = "text", value: str = "") -> str:
    name = escape(name)
    return (
        f"<label for='{name}'>{escape(label)}</label>"
        f"<input type='{kind}' id='{name}' name='{name}' value='{escape(value)}'"
        " autocomplete='off'>"
    )


def login_page(
    action: str, csrf: str, *, client_name: str, username: str = "", error: str | None = None
) -> str:
    """The sign-in form (username and password) for app client ``client_name``."""
    fields = _text_field("username", "Username", value=username) + _text_field(
        "password", "Password", kind="password"
    )
    body = (
        f"<p class='note'>Sign in to <strong>{escape(client_name)}</strong></p>"
        + _error(error)
        + _form(action, csrf, fields)
    )
    return _document("Sign in", body)


def challenge_page(
    action: str,
    csrf: str,
    transaction: str,
    challenge: str,
    parameters: Mapping[str, str],
    options: Sequence[str] = (),
    *,
    error: str | None = None,
) -> str:
    """The form answering ``challenge``: ``parameters`` are its ChallengeParameters (plus
    ``SECRET_CODE`` for a TOTP set-up), ``options`` the factors to choose from or the
    ``userAttributes.<name>`` fields to fill in."""
    if challenge in _CODE_PROMPTS:
        prompt = _CODE_PROMPTS[challenge].format(
            destination=parameters.get("CODE_DELIVERY_DESTINATION", "you")
        )
        title = "Multi-factor authentication"
        fields = f"<p class='note'>{escape(prompt)}</p>" + _text_field("code", "Code")
    elif challenge == "SELECT_MFA_TYPE":
        title = "Choose how to verify"
        fields = "".join(
            f"<label><input type='radio' name='answer' id='answer-{escape(c)}' "
            f"value='{escape(c)}'{' checked' if i == 0 else ''}> {escape(c)}</label>"
            for i, c in enumerate(options)
        )
    elif challenge == "NEW_PASSWORD_REQUIRED":
        title = "Change your password"
        fields = "<p class='note'>You must choose a new password.</p>" + _text_field(
            "new_password", "New password", kind="password"
        )
        for attribute in options:
            fields += _text_field(attribute, attribute.removeprefix("userAttributes."))
    elif challenge == "MFA_SETUP":
        title = "Set up your authenticator app"
        secret = parameters.get("SECRET_CODE", "")
        fields = (
            "<p class='note'>Add this secret key to your authenticator app, then enter the "
            f"code it shows.</p><p><code id='secret'>{escape(secret)}</code></p>"
            + _text_field("code", "Code")
        )
    else:  # never offered: the login page refuses other challenges before rendering
        title = "Sign in"
        fields = ""
    return _document(title, _error(error) + _form(action, csrf, fields, transaction=transaction))


def error_page(error: str, client_id: str | None) -> str:
    """The domain's error page (what Cognito shows instead of redirecting to an unregistered
    ``redirect_uri``)."""
    detail = f"error={error}" + (f" client_id={client_id}" if client_id else "")
    body = (
        "<p class='error' id='error'>An error was encountered with the requested page.</p>"
        f"<p class='note' id='detail'>{escape(detail)}</p>"
    )
    return _document("Error", body)

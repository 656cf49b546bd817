"""A password echoed back in any encoding never reaches ``str(error)``, a traceback or a log.

A hostile (or merely sloppy) server or proxy echoes request values re-encoded: JSON-escaped, in a
header whose UTF-8 bytes HTTP reads as latin-1, inside the bytes repr of a malformed status line,
percent-encoded. Each test makes the hostile server echo the password one way and checks the
error, its traceback and every DEBUG log line for every spelling of it (listed here independently
of the transport's own list).
"""

from __future__ import annotations

import json
import logging
import traceback
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authflow.protocol.errors import AuthflowError
from authflow.transport import AiohttpTransport, RetryPolicy

from .hostile import HostileServer, RawRequest, http_response

ONE_TRY = RetryPolicy(max_attempts=1)


def spellings(secret: str) -> set[str]:
    """How an echo of ``secret`` can look (the test's oracle)."""
    utf8 = secret.encode("utf-8")
    return {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        utf8.decode("latin-1"),
        repr(utf8)[2:-1],
        urllib.parse.quote(utf8, safe=""),
        urllib.parse.quote_plus(utf8),
    }


def leaked(secret: str, texts: list[str]) -> list[str]:
    forms = {form for form in spellings(secret) if len(form) >= 4}
    return [form for form in forms for text in texts if form in text]


def password_of(request: RawRequest) -> str:
    value = request.json()["AuthParameters"]["PASSWORD"]
    assert isinstance(value, str)
    return value


def header_echo(request: RawRequest) -> bytes:
    """The password as raw UTF-8 bytes in x-amzn-ErrorMessage (read back as latin-1)."""
    utf8 = password_of(request).encode("utf-8").replace(b"\r", b" ").replace(b"\n", b" ")
    return http_response(
        b"HTTP/1.1 400 Bad Request",
        [
            (b"x-amzn-ErrorType", b"NotAuthorizedException:"),
            (b"x-amzn-ErrorMessage", b"Incorrect password " + utf8),
        ],
    )


def json_escaped_echo(request: RawRequest) -> bytes:
    """The password JSON-escaped twice, so the decoded message holds the escaped form."""
    escaped = json.dumps(password_of(request))
    body = json.dumps({"__type": "InvalidParameterException", "message": f"bad value {escaped}"})
    return http_response(b"HTTP/1.1 400 Bad Request", [], body.encode())


def url_echo(request: RawRequest) -> bytes:
    quoted = urllib.parse.quote(password_of(request).encode("utf-8"), safe="")
    body = json.dumps({"__type": "InvalidParameterException", "message": f"?p={quoted}"})
    return http_response(b"HTTP/1.1 400 Bad Request", [], body.encode())


def status_line_echo(request: RawRequest) -> bytes:
    """A malformed status line carrying the password: aiohttp reports it as a bytes repr."""
    utf8 = password_of(request).encode("utf-8").replace(b"\r", b" ").replace(b"\n", b" ")
    return b"HTTP/1.1 4x0 " + utf8 + b"\r\nContent-Length: 0\r\n\r\n"


def reason_echo(request: RawRequest) -> bytes:
    """A code-less answer whose reason phrase is the password (the message names the reason)."""
    utf8 = password_of(request).encode("utf-8").replace(b"\r", b" ").replace(b"\n", b" ")
    return http_response(b"HTTP/1.1 502 " + utf8, [(b"Content-Type", b"text/html")], b"<p>x</p>")


ECHOES = {
    "header-latin-1": header_echo,
    "json-escaped": json_escaped_echo,
    "url-encoded": url_echo,
    "status-line": status_line_echo,
    "reason-phrase": reason_echo,
}

# Passwords with quotes, backslashes, non-ASCII (2-, 3- and 4-byte UTF-8) and control characters,
# always holding the marker "Zq9" so that a match in the error text is the password and not a word
# the message has anyway ("Initiate" in "InitiateAuth", "ServiceE" in "ServiceError(").
PASSWORDS = st.text(
    alphabet=st.one_of(
        st.sampled_from(list('"\\\'%+&=/ ?#')),
        st.sampled_from(list("äöüßéñ€✓中文😀")),
        st.sampled_from(["\t", "\x01", "\x7f", "\r", "\n"]),
        st.characters(min_codepoint=0x21, max_codepoint=0x7E),
    ),
    min_size=5,
    max_size=40,
).map(lambda s: s[:2] + "Zq9" + s[2:]).filter(lambda s: s.strip() == s and "\r\n" not in s)


async def sign_in_error(
    server: HostileServer, password: str, caplog: pytest.LogCaptureFixture
) -> tuple[AuthflowError, list[str]]:
    caplog.clear()
    async with AiohttpTransport(server.url, retry=ONE_TRY) as transport:
        with caplog.at_level(logging.DEBUG):
            try:
                await transport.send(
                    "InitiateAuth",
                    {
                        "AuthFlow": "USER_PASSWORD_AUTH",
                        "ClientId": "client",
                        "AuthParameters": {"USERNAME": "alice", "PASSWORD": password},
                    },
                )
            except AuthflowError as exc:
                error = exc
            else:  # pragma: no cover - the hostile server never answers 2xx
                raise AssertionError("the hostile server's answer was accepted")
    texts = [
        str(error),
        repr(error),
        "".join(traceback.format_exception(error)),
        *(record.getMessage() for record in caplog.records),
        *(str(record.args) for record in caplog.records),
    ]
    return error, texts


@pytest.mark.parametrize("echo", sorted(ECHOES))
async def test_a_known_hard_password_is_redacted_in_every_echo(
    hostile: HostileServer, echo: str, caplog: pytest.LogCaptureFixture
) -> None:
    password = 'p"ä\\ss€w😀rd'
    hostile.answer = ECHOES[echo]
    error, texts = await sign_in_error(hostile, password, caplog)
    assert hostile.requests, "the request reached the server"
    assert not leaked(password, texts), f"{echo}: {type(error).__name__} leaks the password"
    assert "***" in str(error) or echo in ("status-line",), str(error)


@pytest.mark.parametrize("echo", sorted(ECHOES))
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(password=PASSWORDS)
async def test_any_password_is_redacted_in_every_echo(
    hostile: HostileServer, echo: str, password: str, caplog: pytest.LogCaptureFixture
) -> None:
    hostile.answer = ECHOES[echo]
    error, texts = await sign_in_error(hostile, password, caplog)
    assert not leaked(password, texts), f"{echo}: {type(error).__name__} leaks the password"

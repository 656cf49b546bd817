"""Hostile Cognito answers for the sign-in engine, as hypothesis strategies.

:func:`hostile_answer` starts from a plausible answer of the kind asked for (a challenge of any
known or unknown ChallengeName, an AuthenticationResult with or without NewDeviceMetadata, the
answers of ConfirmDevice, AssociateSoftwareToken, VerifySoftwareToken…) and damages it: members
of the wrong JSON type, members removed, unknown members added, lone surrogates, 10^400, NaN and
infinities, nesting thousands of levels deep, 100 KB strings. :func:`damage` does the same to any
answer (the stateful scripted Cognito's "hostile value" fault). Used by
tests/reliability/test_hostile_responses.py, test_never_stranded.py and bench/hostile_fuzz.py.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from hypothesis import strategies as st
from scripted_cognito import auth_result, challenge

__all__ = ["ANSWER_KINDS", "damage", "hostile_answer", "hostile_value", "nested"]


def nested(depth: int) -> list[Any]:
    """A list nested ``depth`` levels deep (built without recursion)."""
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


#: One hostile JSON value (or what a decoder would make of hostile JSON text: ``1e400`` is inf).
#: Mutable values are built afresh for every draw: damage() may add members to one it placed.
hostile_value: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from([None, True, False, 0, -1, 2**63, 10**400, -(10**400), 1e308, math.inf,
                     -math.inf, math.nan, "", "null", "[]", "{}", "0"]),
    st.builds(list), st.builds(dict),
    st.builds(lambda a, b: a + "\ud800" + b, st.text(max_size=8), st.text(max_size=8)),
    st.builds(lambda n: "\udfff" * n, st.integers(1, 4)),
    st.builds(lambda n: "A" * n, st.sampled_from([256, 20_000, 100_000])),
    st.builds(lambda n: "\x00\r\n\x1b" * n, st.integers(1, 500)),
    st.builds(nested, st.sampled_from([2, 100, 5_000])),
    st.builds(lambda n: {f"k{i}": "v" for i in range(n)}, st.sampled_from([1, 300])),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=4)), max_size=5),
    st.text(max_size=30),
    st.floats(),
)

_PARAMETERS: dict[str, dict[str, str]] = {
    "PASSWORD_VERIFIER": {"SALT": "ab" * 16, "SRP_B": "0f" * 384, "SECRET_BLOCK": "QUJD" * 8,
                          "USER_ID_FOR_SRP": "uid-1", "USERNAME": "uid-1"},
    "DEVICE_PASSWORD_VERIFIER": {"SALT": "ab" * 16, "SRP_B": "0f" * 384,
                                 "SECRET_BLOCK": "QUJD" * 8, "USERNAME": "uid-1",
                                 "DEVICE_KEY": "us-east-1_d"},
    "SMS_MFA": {"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS", "CODE_DELIVERY_DESTINATION": "+***99"},
    "SELECT_MFA_TYPE": {"MFAS_CAN_CHOOSE": '["SMS_MFA","SOFTWARE_TOKEN_MFA"]'},
    "MFA_SETUP": {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'},
    "NEW_PASSWORD_REQUIRED": {"requiredAttributes": '["userAttributes.name"]',
                              "userAttributes": '{"email":"a@x.org"}'},
    "SELECT_CHALLENGE": {},
    "CUSTOM_CHALLENGE": {"question": "1+1"},
}
_NAMES = [*_PARAMETERS, "SOFTWARE_TOKEN_MFA", "EMAIL_OTP", "SMS_OTP", "DEVICE_SRP_AUTH",
          "WEB_AUTHN", "PASSWORD", "ADMIN_NO_SRP_AUTH", "FUTURE_CHALLENGE", ""]


@st.composite
def _challenge(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(_NAMES))
    available = draw(st.one_of(st.none(), st.just(["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"])))
    return challenge(name, dict(_PARAMETERS.get(name, {})),
                     session=draw(st.sampled_from(["s" * 24, None])), available=available)


@st.composite
def _result(draw: st.DrawFn) -> dict[str, Any]:
    device = draw(st.sampled_from([None, ("us-east-1_0f1e2d3c-aaaa", "-grpKey01")]))
    return auth_result("uid-1", device=device, refresh=draw(st.sampled_from([None, "r" * 40])))


#: Plausible answers by what was asked.
ANSWER_KINDS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "sign_in": st.one_of(_challenge(), _result()),
    "refresh": _result(),
    "ConfirmDevice": st.sampled_from([{"UserConfirmationNecessary": True},
                                      {"UserConfirmationNecessary": False}, {}]),
    "UpdateDeviceStatus": st.just({}),
    "AssociateSoftwareToken": st.just({"SecretCode": "JBSWY3DPEHPK3PXP", "Session": "t" * 24}),
    "VerifySoftwareToken": st.sampled_from([{"Status": "SUCCESS", "Session": "u" * 24},
                                            {"Status": "ERROR"}]),
    "RevokeToken": st.just({}),
}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every member path in a decoded JSON answer (objects and arrays, a few levels deep)."""
    found: list[tuple[Any, ...]] = []
    if len(prefix) > 4:
        return found
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    for key, item in items:
        found.append((*prefix, key))
        found.extend(_paths(item, (*prefix, key)))
    return found


def damage(draw: st.DrawFn, answer: dict[str, Any]) -> Any:
    """``answer`` with one to three members damaged: replaced by a hostile value, removed, or an
    unknown member added; now and then the whole answer is replaced by a hostile value."""
    if draw(st.integers(0, 19)) == 0:
        return draw(hostile_value)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(answer)
        action = draw(st.sampled_from(["replace", "replace", "remove", "add"]))
        if not paths or action == "add":
            target: Any = answer
            if paths:
                parent = draw(st.sampled_from([(), *paths]))
                for key in parent:
                    target = target[key]
            if isinstance(target, dict):
                target[draw(st.sampled_from(["Extra", "ChallengeName", "Session", "__type"]))] = (
                    draw(hostile_value))
            continue
        path = draw(st.sampled_from(paths))
        parent_value: Any = answer
        for key in path[:-1]:
            parent_value = parent_value[key]
        if action == "remove":
            del parent_value[path[-1]]
        else:
            parent_value[path[-1]] = draw(hostile_value)
    return answer


@st.composite
def hostile_answer(draw: st.DrawFn, kind: str) -> Any:
    """A plausible ``kind`` answer (see :data:`ANSWER_KINDS`), damaged most of the time."""
    answer = copy.deepcopy(draw(ANSWER_KINDS[kind]))  # st.just's value is shared: never damage it
    if draw(st.integers(0, 9)) < 8:
        return damage(draw, answer)
    return answer

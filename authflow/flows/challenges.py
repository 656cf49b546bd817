"""The challenges a sign-in can meet: the pending :class:`Challenge`, and one
:class:`ChallengeKind` per ChallengeName in :data:`CHALLENGE_KINDS`.

A kind says what the caller is asked for (``expects``, ``choices``), whether the engine answers
it itself (``engine_trigger``), whether its responses carry DEVICE_KEY, and how a caller's answer
becomes ChallengeResponses (``interpret``: normalisation and local validation, returning an
:data:`Answer` for the flow to carry out). Adding a challenge is adding a kind here; a name not in
the table is still served as a generic question (raw parameters, a dict answer sent as given).

Everything here is pure: no I/O, no clock. The ChallengeParameters and ChallengeResponses of each
challenge are listed in docs/protocol-notes.md §6.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from authflow.protocol.checks import (
    MAX_ITEMS,
    check_finite,
    check_optional_text,
    check_record,
    check_text,
    check_text_list,
    check_text_map,
)
from authflow.protocol.errors import ValidationError
from authflow.sessions.signin_operations import AuthResponse

__all__ = [
    "ANSWER_KEYS",
    "CHALLENGE_KINDS",
    "ENGINE_CHALLENGES",
    "ENGINE_KEYS",
    "Answer",
    "Challenge",
    "ChallengeKind",
    "ChooseSetup",
    "Respond",
    "SetUpTotp",
    "VerifyTotp",
    "json_list_param",
    "kind_of",
    "required_attributes",
    "responses_from",
]

#: Keys the engine owns in every ChallengeResponses map (filled with the right principal).
ENGINE_KEYS = frozenset({"USERNAME", "SECRET_HASH", "DEVICE_KEY"})


def json_list_param(params: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Decode a JSON-string list challenge parameter (``MFAS_CAN_CHOOSE``, ``requiredAttributes``).

    A missing or malformed value yields ``()``: the caller still sees the raw parameters.
    """
    raw = params.get(name)
    if not raw:
        return ()
    try:
        value = json.loads(raw)
    except ValueError:
        return ()
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value)


# -- the pending challenge --------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Challenge:
    """The challenge a sign-in waits on, as received (plus what the engine learnt since).

    * ``name`` - the ChallengeName; ``parameters`` - its ChallengeParameters;
    * ``session`` - the Session to answer with (a bearer secret: hidden from repr);
    * ``deadline`` - local epoch time after which the Session will have expired;
    * ``available`` - USER_AUTH's AvailableChallenges (SELECT_CHALLENGE's choices);
    * ``principal`` - the USERNAME to answer as (USER_ID_FOR_SRP once the server named it);
    * ``totp_secret`` / ``setup_choice`` - MFA_SETUP's progress (the secret from
      AssociateSoftwareToken; the factor being set up).
    """

    name: str
    parameters: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    session: str | None = attrs.field(default=None, repr=False)
    deadline: float | None = None
    available: tuple[str, ...] = ()
    principal: str
    totp_secret: str | None = attrs.field(default=None, repr=False)
    setup_choice: str | None = None

    @classmethod
    def from_response(
        cls,
        response: AuthResponse,
        *,
        previous: Challenge | None,
        login: str,
        deadline: float,
    ) -> Challenge:
        """The challenge ``response`` issued (its ChallengeName must be set). A response
        without a Session keeps the previous challenge's; the principal becomes the one the
        server named (USER_ID_FOR_SRP, USERNAME), else stays the previous one or ``login``."""
        params = dict(response.challenge_parameters or {})
        principal = previous.principal if previous else login
        return cls(
            name=response.challenge_name or "",
            parameters=params,
            session=response.session or (previous.session if previous else None),
            deadline=deadline,
            available=tuple(response.available_challenges or ()),
            principal=params.get("USER_ID_FOR_SRP") or params.get("USERNAME") or principal,
        )

    @property
    def kind(self) -> ChallengeKind:
        """What this challenge expects and how it is answered."""
        return kind_of(self.name)

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict (it holds the Session and any TOTP secret: store it like tokens)."""
        return {
            "name": self.name,
            "parameters": dict(self.parameters),
            "session": self.session,
            "deadline": self.deadline,
            "available_challenges": list(self.available),
            "principal": self.principal,
            "totp_secret": self.totp_secret,
            "setup_choice": self.setup_choice,
        }

    @classmethod
    def from_json(
        cls,
        data: object,
        *,
        principal: str,
        prefix: str = "challenge.",
        name_key: str = "name",
    ) -> Challenge:
        """Rebuild from :meth:`to_json` output, checking every member (a ValidationError names
        ``prefix + member``). ``principal`` stands in for a missing one."""
        record = check_record(data, prefix.rstrip(".") or "challenge")

        def member(key: str, default: object = None) -> object:
            value = record.get(key)
            return default if value is None else value  # null counts as absent

        def text(key: str) -> str | None:
            return check_optional_text(record.get(key), prefix + key)

        deadline = record.get("deadline")
        return cls(
            name=check_text(record.get(name_key), prefix + name_key, max_length=128),
            parameters=check_text_map(member("parameters", {}), prefix + "parameters"),
            session=text("session"),
            deadline=None if deadline is None else check_finite(deadline, prefix + "deadline"),
            available=check_text_list(
                member("available_challenges", []), prefix + "available_challenges"
            ),
            principal=text("principal") or principal,
            totp_secret=text("totp_secret"),
            setup_choice=text("setup_choice"),
        )


def required_attributes(challenge: Challenge) -> tuple[str, ...]:
    """NEW_PASSWORD_REQUIRED's ``requiredAttributes``, without the ``userAttributes.`` prefix."""
    return tuple(
        name.removeprefix("userAttributes.")
        for name in json_list_param(challenge.parameters, "requiredAttributes")
    )


# -- what the flow does with an answer ------------------------------------------------------------


@attrs.frozen
class Respond:
    """Send RespondToAuthChallenge with ``responses`` (the engine adds USERNAME, SECRET_HASH and
    DEVICE_KEY). ``with_password`` adds the sign-in's password as PASSWORD; ``with_srp_a``
    starts SRP and adds SRP_A (both need the password)."""

    responses: Mapping[str, str] = attrs.field(repr=False)
    with_password: bool = False
    with_srp_a: bool = False


@attrs.frozen
class SetUpTotp:
    """Call AssociateSoftwareToken: the caller chose TOTP during MFA_SETUP (still pending)."""


@attrs.frozen
class ChooseSetup:
    """Record the MFA_SETUP factor chosen (still pending: its details are asked next)."""

    choice: str


@attrs.frozen
class VerifyTotp:
    """VerifySoftwareToken with the authenticator's code, then answer MFA_SETUP."""

    code: str = attrs.field(repr=False)
    friendly_device_name: str | None = None


#: What an answer turns into.
Answer = Respond | SetUpTotp | ChooseSetup | VerifyTotp


def responses_from(answer: object, expects: tuple[str, ...]) -> dict[str, str]:
    """The caller's answer as ChallengeResponses: a plain string fills ``expects[0]`` (``ANSWER``
    when nothing is expected); a mapping is taken key by key, engine keys dropped and a
    non-string CREDENTIAL (a WebAuthn response) JSON-encoded."""
    if isinstance(answer, str):
        key = expects[0] if expects else "ANSWER"
        return {key: check_text(answer, "response")}
    if not isinstance(answer, Mapping):
        wanted = f": {', '.join(expects)}" if expects else ""
        raise ValidationError(
            f"an answer is a string or a dict of ChallengeResponses{wanted}", field="response"
        )
    if len(answer) > MAX_ITEMS:
        raise ValidationError(f"an answer has at most {MAX_ITEMS} values", field="response")
    out: dict[str, str] = {}
    for key, value in answer.items():
        if check_text(key, "response key", max_length=256) in ENGINE_KEYS:
            continue  # the engine fills these with the right principal
        if key == "CREDENTIAL" and not isinstance(value, str):
            try:
                value = json.dumps(value, separators=(",", ":"), allow_nan=False)
            except (TypeError, ValueError, RecursionError):
                raise ValidationError("CREDENTIAL must be JSON", field="CREDENTIAL") from None
        out[key] = check_text(value, key, allow_empty=True)
    if not out:
        raise ValidationError("the answer must supply at least one value", field="response")
    return out


# -- the kinds ----------------------------------------------------------------------------------


def _no_choices(challenge: Challenge) -> tuple[str, ...]:
    return ()


def _nothing_on_arrival(challenge: Challenge) -> str | None:
    return None


def _as_given(challenge: Challenge, responses: dict[str, str]) -> Answer:
    return Respond(responses)


@attrs.frozen
class ChallengeKind:
    """What one ChallengeName asks of the caller, and how its answer is made.

    * ``answer_key`` - the ChallengeResponses key a plain string answer fills;
    * ``engine_trigger`` - set when the engine answers the challenge itself: the flow's machine
      trigger that does it (the caller never sees such a challenge);
    * ``on_arrival`` - a machine trigger the engine fires when the challenge arrives, still
      leaving it to the caller (MFA_SETUP with only TOTP to set up: fetch the secret);
    * ``choices`` / ``expects`` - what :class:`~authflow.flows.step.Step` shows;
    * ``interpret`` - checks the caller's ChallengeResponses and says what to do with them;
    * ``sends_device_key`` - whether the responses carry a remembered device's DEVICE_KEY.
    """

    name: str
    answer_key: str | None = None
    engine_trigger: str | None = None
    on_arrival: Callable[[Challenge], str | None] = attrs.field(
        default=_nothing_on_arrival, eq=False
    )
    choices: Callable[[Challenge], tuple[str, ...]] = attrs.field(default=_no_choices, eq=False)
    expects: Callable[[Challenge], tuple[str, ...]] | None = attrs.field(default=None, eq=False)
    interpret: Callable[[Challenge, dict[str, str]], Answer] = attrs.field(
        default=_as_given, eq=False
    )
    sends_device_key: bool = True

    def expected_keys(self, challenge: Challenge) -> tuple[str, ...]:
        """The ChallengeResponses keys the answer should supply (the first one is what a plain
        string answer fills)."""
        if self.expects is not None:
            return self.expects(challenge)
        return (self.answer_key,) if self.answer_key else ()


def _param_list(name: str) -> Callable[[Challenge], tuple[str, ...]]:
    def choices(challenge: Challenge) -> tuple[str, ...]:
        return json_list_param(challenge.parameters, name)

    return choices


def _available(challenge: Challenge) -> tuple[str, ...]:
    return challenge.available


def _new_password_expects(challenge: Challenge) -> tuple[str, ...]:
    return ("NEW_PASSWORD", *(f"userAttributes.{name}" for name in required_attributes(challenge)))


def _new_password(challenge: Challenge, responses: dict[str, str]) -> Answer:
    fixed: dict[str, str] = {}
    for key, value in responses.items():
        if key == "NEW_PASSWORD" or key.startswith("userAttributes."):
            fixed[key] = value
        else:  # a bare attribute name is the caller's shorthand for userAttributes.<name>
            fixed[f"userAttributes.{key}"] = value
    if not fixed.get("NEW_PASSWORD"):
        raise ValidationError("NEW_PASSWORD_REQUIRED needs NEW_PASSWORD", field="NEW_PASSWORD")
    missing = [
        name for name in required_attributes(challenge) if not fixed.get(f"userAttributes.{name}")
    ]
    if missing:
        raise ValidationError(
            f"NEW_PASSWORD_REQUIRED needs these attributes: {', '.join(missing)}",
            field=missing[0],
        )
    return Respond(fixed)


def _select_mfa_type(challenge: Challenge, responses: dict[str, str]) -> Answer:
    choices = json_list_param(challenge.parameters, "MFAS_CAN_CHOOSE")
    if choices and responses.get("ANSWER") not in choices:
        raise ValidationError(f"ANSWER must be one of {list(choices)}", field="ANSWER")
    return Respond(responses)


def _select_challenge(challenge: Challenge, responses: dict[str, str]) -> Answer:
    choice = responses.get("ANSWER")
    if challenge.available and choice not in challenge.available:
        raise ValidationError(f"ANSWER must be one of {list(challenge.available)}", field="ANSWER")
    if choice == "PASSWORD":
        return Respond(responses, with_password="PASSWORD" not in responses)
    if choice == "PASSWORD_SRP":
        return Respond(responses, with_srp_a=True)
    if choice == "WEB_AUTHN" and "CREDENTIAL" not in responses:
        raise ValidationError(
            "WEB_AUTHN needs CREDENTIAL (the authenticator's response JSON)", field="CREDENTIAL"
        )
    return Respond(responses)


def _mfa_setup_expects(challenge: Challenge) -> tuple[str, ...]:
    if challenge.totp_secret is not None:
        return ("SOFTWARE_TOKEN_MFA_CODE",)
    if challenge.setup_choice == "EMAIL_OTP":
        return ("EMAIL",)
    return ("ANSWER",)


def _mfa_setup(challenge: Challenge, responses: dict[str, str]) -> Answer:
    options = json_list_param(challenge.parameters, "MFAS_CAN_SETUP")
    if challenge.totp_secret is None and "EMAIL" not in responses:
        choice = responses.get("ANSWER")
        if choice == "SOFTWARE_TOKEN_MFA" and "SOFTWARE_TOKEN_MFA" in options:
            return SetUpTotp()
        if choice == "EMAIL_OTP" and "EMAIL_OTP" in options:
            return ChooseSetup("EMAIL_OTP")
        if choice == "SMS_MFA" and "SMS_MFA" in options:
            # Cognito cannot set SMS up inside a sign-in: the user needs a phone_number
            raise ValidationError(
                "SMS MFA cannot be set up during sign-in: give the user a phone_number "
                "(e.g. AdminUpdateUserAttributes) and sign in again",
                field="ANSWER",
            )
        raise ValidationError(
            f"MFA_SETUP: choose one of {list(options)} (ANSWER), or give EMAIL", field="ANSWER"
        )
    if "EMAIL" in responses:
        return Respond({"EMAIL": responses["EMAIL"]})
    code = responses.get("SOFTWARE_TOKEN_MFA_CODE") or responses.get("ANSWER")
    if not code or not code.isdigit() or len(code) != 6:
        raise ValidationError("the TOTP code must be 6 digits", field="SOFTWARE_TOKEN_MFA_CODE")
    return VerifyTotp(code, responses.get("FRIENDLY_DEVICE_NAME"))


def _totp_only_setup(challenge: Challenge) -> str | None:
    # with TOTP the only factor to set up there is nothing to choose: fetch the secret at once
    options = json_list_param(challenge.parameters, "MFAS_CAN_SETUP")
    if "SOFTWARE_TOKEN_MFA" in options and "EMAIL_OTP" not in options:
        return "set_up_totp"
    return None


#: Every ChallengeName the engine knows, by name.
CHALLENGE_KINDS: Mapping[str, ChallengeKind] = {
    kind.name: kind
    for kind in (
        # answered by the engine (SRP with the password or the remembered device's secret)
        ChallengeKind("PASSWORD_VERIFIER", engine_trigger="verify_password"),
        ChallengeKind("DEVICE_SRP_AUTH", engine_trigger="authenticate_device"),
        ChallengeKind("DEVICE_PASSWORD_VERIFIER", engine_trigger="verify_device_password"),
        # one code
        ChallengeKind("SMS_MFA", answer_key="SMS_MFA_CODE"),
        ChallengeKind("SOFTWARE_TOKEN_MFA", answer_key="SOFTWARE_TOKEN_MFA_CODE"),
        ChallengeKind("EMAIL_OTP", answer_key="EMAIL_OTP_CODE"),
        ChallengeKind("SMS_OTP", answer_key="SMS_OTP_CODE"),
        # a choice
        ChallengeKind(
            "SELECT_MFA_TYPE",
            answer_key="ANSWER",
            choices=_param_list("MFAS_CAN_CHOOSE"),
            interpret=_select_mfa_type,
        ),
        ChallengeKind(
            "SELECT_CHALLENGE",
            answer_key="ANSWER",
            choices=_available,
            interpret=_select_challenge,
            sends_device_key=False,
        ),
        # the rest
        ChallengeKind("CUSTOM_CHALLENGE", answer_key="ANSWER"),
        ChallengeKind("WEB_AUTHN", answer_key="CREDENTIAL"),
        ChallengeKind(
            "NEW_PASSWORD_REQUIRED",
            answer_key="NEW_PASSWORD",
            expects=_new_password_expects,
            interpret=_new_password,
            sends_device_key=False,
        ),
        ChallengeKind(
            "MFA_SETUP",
            answer_key="ANSWER",
            on_arrival=_totp_only_setup,
            choices=_param_list("MFAS_CAN_SETUP"),
            expects=_mfa_setup_expects,
            interpret=_mfa_setup,
            sends_device_key=False,
        ),
    )
}

#: Challenges the engine answers itself; they are transitions, never questions to the caller.
ENGINE_CHALLENGES = frozenset(k.name for k in CHALLENGE_KINDS.values() if k.engine_trigger)

#: The ChallengeResponses key a plain-string answer fills, per challenge.
ANSWER_KEYS: Mapping[str, str] = {
    k.name: k.answer_key for k in CHALLENGE_KINDS.values() if k.answer_key
}


def kind_of(name: str) -> ChallengeKind:
    """The kind of ChallengeName ``name``; an unknown name gets a generic kind (no expected
    keys, a dict answer sent as given, DEVICE_KEY added)."""
    return CHALLENGE_KINDS.get(name) or ChallengeKind(name)

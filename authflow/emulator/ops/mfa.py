"""MFA: pool configuration, user preferences, TOTP set-up, and the MFA / one-time-code challenges.

Operations: SetUserPoolMfaConfig, GetUserPoolMfaConfig, SetUserMFAPreference,
AdminSetUserMFAPreference, SetUserSettings (legacy SMS MFAOptions), AssociateSoftwareToken and
VerifySoftwareToken (by access token, or by the Session of an MFA_SETUP challenge).

Challenges answered here: SMS_MFA (``SMS_MFA_CODE``), EMAIL_OTP (``EMAIL_OTP_CODE``; MFA, MFA
set-up by e-mail, or USER_AUTH's passwordless factor), SMS_OTP (``SMS_OTP_CODE``),
SOFTWARE_TOKEN_MFA (``SOFTWARE_TOKEN_MFA_CODE``, RFC 6238 ±1 step, never the same step twice),
SELECT_MFA_TYPE (``ANSWER`` one of ``MFAS_CAN_CHOOSE``; ``EMAIL_MFA`` is taken for ``EMAIL_OTP``)
and MFA_SETUP (after VerifySoftwareToken with the challenge's Session, or ``EMAIL`` to set up
e-mail MFA, which sends an EMAIL_OTP code to that address first). See :mod:`.mfa_challenges`
for which factor a user gets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from authflow.emulator import totp
from authflow.emulator.attributes import is_email
from authflow.emulator.domain import (
    MFA_FACTORS,
    AppClient,
    ChallengeSession,
    Pool,
    SignInContext,
    User,
)
from authflow.emulator.ops import operation
from authflow.emulator.ops.auth import challenge
from authflow.emulator.ops.mfa_challenges import (
    check_session_code,
    check_totp,
    code_challenge,
    factor_challenge,
)
from authflow.emulator.ops.signin_pipeline import answering_user, proceed, required_param
from authflow.emulator.ops.user_rules import check_unique, mark_verified
from authflow.protocol.errors import (
    EnableSoftwareTokenMFAError,
    InvalidParameterError,
    NotAuthorizedError,
    SoftwareTokenMFANotFoundError,
)

if TYPE_CHECKING:
    from authflow.emulator.core import EmulatorCore

__all__ = ["mfa_view"]

_FACTOR_CONFIGS = (
    "SmsMfaConfiguration",
    "SoftwareTokenMfaConfiguration",
    "EmailMfaConfiguration",
    "WebAuthnConfiguration",
)
_PREFERENCES = (
    ("SMSMfaSettings", "SMS_MFA"),
    ("SoftwareTokenMfaSettings", "SOFTWARE_TOKEN_MFA"),
    ("EmailMfaSettings", "EMAIL_OTP"),
)


def mfa_view(user: User) -> dict[str, Any]:
    """The MFA members of GetUser / AdminGetUser: ``UserMFASettingList`` and
    ``PreferredMfaSetting`` when set, ``MFAOptions`` for legacy SMS settings."""
    view: dict[str, Any] = {}
    settings = user.mfa_settings()
    if settings:
        view["UserMFASettingList"] = settings
    if user.mfa_preferred in settings:
        view["PreferredMfaSetting"] = user.mfa_preferred
    if user.mfa_options:
        view["MFAOptions"] = [dict(option) for option in user.mfa_options]
    return view


# ------------------------------------------------------------------------------ pool settings


def _mfa_config_view(pool: Pool) -> dict[str, Any]:
    view: dict[str, Any] = {k: v for k, v in pool.mfa_config.items() if v is not None}
    view["MfaConfiguration"] = pool.mfa_mode
    return view


@operation("SetUserPoolMfaConfig")
def set_user_pool_mfa_config(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """SetUserPoolMfaConfig: the factor settings given replace the previous ones (a factor
    left out is off); ON / OPTIONAL need at least one factor on."""
    pool = core.pool(body["UserPoolId"])
    config = {member: body[member] for member in _FACTOR_CONFIGS if body.get(member) is not None}
    mode = body.get("MfaConfiguration") or pool.mfa_mode
    previous = pool.mfa_config
    pool.mfa_config = config
    if mode != "OFF" and not pool.mfa_factors():
        pool.mfa_config = previous
        raise InvalidParameterError(
            f"Invalid MFA configuration given, can't turn off all MFAs and set MFA to '{mode}'."
        )
    pool.settings["MfaConfiguration"] = mode
    pool.modified = core.now()
    return _mfa_config_view(pool)


@operation("GetUserPoolMfaConfig")
def get_user_pool_mfa_config(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """GetUserPoolMfaConfig."""
    return _mfa_config_view(core.pool(body["UserPoolId"]))


# ------------------------------------------------------------------------------ preferences


def _set_preference(user: User, body: dict[str, Any]) -> None:
    enabled = set(user.mfa_settings())
    legacy_sms = bool(user.mfa_options)
    preferred = user.mfa_preferred
    chosen: list[str] = []
    for member, factor in _PREFERENCES:
        settings = body.get(member)
        if settings is None:
            continue
        if settings.get("Enabled") is True:
            if factor == "SOFTWARE_TOKEN_MFA" and user.totp_secret is None:
                raise InvalidParameterError("User has not verified software token mfa")
            if factor == "SMS_MFA" and not user.attributes.get("phone_number"):
                raise InvalidParameterError("User does not have a phone_number attribute")
            if factor == "EMAIL_OTP" and not user.attributes.get("email"):
                raise InvalidParameterError("User does not have an email attribute")
            enabled.add(factor)
        elif settings.get("Enabled") is False:
            enabled.discard(factor)
            if factor == "SMS_MFA":
                legacy_sms = False
        if settings.get("PreferredMfa") is True:
            if factor not in enabled:
                raise InvalidParameterError(
                    f"{factor} cannot be the preferred MFA method unless it is enabled"
                )
            chosen.append(factor)
        elif settings.get("PreferredMfa") is False and preferred == factor:
            preferred = None
    if len(chosen) > 1:
        raise InvalidParameterError("Only one MFA method can be preferred")
    if (body.get("WebAuthnMfaSettings") or {}).get("Enabled"):
        raise InvalidParameterError("WebAuthn MFA is not supported by the authflow emulator.")
    if chosen:
        preferred = chosen[0]
    if preferred not in enabled:
        preferred = None
    user.mfa_enabled = enabled
    if not legacy_sms:
        user.mfa_options = []
    user.mfa_preferred = preferred


@operation("SetUserMFAPreference")
def set_user_mfa_preference(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """SetUserMFAPreference: enable/disable SMS, TOTP (once verified) and e-mail MFA, and pick
    one preferred factor."""
    _, _, user, _ = core.authorize(body["AccessToken"])
    _set_preference(user, body)
    user.modified = core.now()
    return {}


@operation("AdminSetUserMFAPreference")
def admin_set_user_mfa_preference(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """AdminSetUserMFAPreference (accepted unsigned, like every provisioning operation)."""
    pool = core.pool(body["UserPoolId"])
    user = core.require_user(pool, body["Username"])
    _set_preference(user, body)
    user.modified = core.now()
    return {}


@operation("SetUserSettings")
def set_user_settings(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """SetUserSettings: legacy SMS MFA (``MFAOptions [{DeliveryMedium: SMS, AttributeName:
    phone_number}]``); an empty list turns it off."""
    _, _, user, _ = core.authorize(body["AccessToken"])
    options = [dict(option) for option in body["MFAOptions"]]
    for option in options:
        if option.get("DeliveryMedium") != "SMS" or option.get("AttributeName") != "phone_number":
            raise InvalidParameterError(
                "Only SMS delivery to phone_number is supported by MFAOptions; use "
                "SetUserMFAPreference for other factors."
            )
    if options and not user.attributes.get("phone_number"):
        raise InvalidParameterError("User does not have a phone_number attribute")
    user.mfa_options = options[:1]
    if not options:
        user.mfa_enabled.discard("SMS_MFA")
        if user.mfa_preferred == "SMS_MFA":
            user.mfa_preferred = None
    user.modified = core.now()
    return {}


# ------------------------------------------------------------------------------ TOTP set-up


def _token_or_session(body: dict[str, Any]) -> tuple[str | None, str | None]:
    token, session = body.get("AccessToken"), body.get("Session")
    if token and session:
        raise InvalidParameterError("Only one of AccessToken or Session may be provided.")
    if not token and not session:
        raise InvalidParameterError("Either AccessToken or Session must be provided.")
    return token, session


def _session_owner(core: EmulatorCore, record: ChallengeSession) -> tuple[Pool, AppClient, User]:
    """The pool, app client and user of an MFA_SETUP session (all must still exist)."""
    pool = core.pool(record.pool_id)
    client = pool.clients.get(record.client_id)
    user = pool.users.get(pool.key(record.username))
    if client is None or user is None:
        raise NotAuthorizedError("Invalid session for the user.")
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    return pool, client, user


def _require_totp_pool(pool: Pool) -> None:
    if "SOFTWARE_TOKEN_MFA" not in pool.mfa_factors():
        raise SoftwareTokenMFANotFoundError("Software Token MFA is not enabled for this user pool.")


@operation("AssociateSoftwareToken")
def associate_software_token(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """AssociateSoftwareToken: a new TOTP SecretCode (Base32, 32 characters) for the user of the
    access token, or of an MFA_SETUP challenge Session (which is spent; a new one comes back)."""
    token, session = _token_or_session(body)
    secret = totp.new_secret(core.randbytes)
    if token:
        pool, _, user, _ = core.authorize(token)
        _require_totp_pool(pool)
        user.totp_pending = secret
        return {"SecretCode": secret}
    record = core.take_session(session, None, "MFA_SETUP")
    pool, client, _ = _session_owner(core, record)
    _require_totp_pool(pool)
    core.consume_session(session)
    data = dict(record.data, totp_pending=secret, totp_verified=False, failures=0)
    new = core.open_session(pool, client, record.username, "MFA_SETUP", **data)
    return {"SecretCode": secret, "Session": new}


@operation("VerifySoftwareToken")
def verify_software_token(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """VerifySoftwareToken: checks a code of the associated secret (RFC 6238, ±1 step) and
    makes it the user's verified TOTP. A wrong code is EnableSoftwareTokenMFAException and
    leaves the secret (and a Session) usable. With a Session the factor is also enabled and a
    new Session returned for RespondToAuthChallenge MFA_SETUP."""
    token, session = _token_or_session(body)
    code = body["UserCode"]
    mismatch = EnableSoftwareTokenMFAError("Code mismatch and fail enable Software Token MFA")
    if token:
        _, _, user, _ = core.authorize(token)
        if user.totp_pending is None:
            raise SoftwareTokenMFANotFoundError(
                "No software token has been associated; call AssociateSoftwareToken first."
            )
        step = totp.matching_step(user.totp_pending, code, core.now())
        if step is None:
            raise mismatch
        _verified(user, user.totp_pending, step, body.get("FriendlyDeviceName"))
        user.modified = core.now()
        return {"Status": "SUCCESS"}
    record = core.take_session(session, None, "MFA_SETUP")
    secret = record.data.get("totp_pending")
    if not secret:
        raise SoftwareTokenMFANotFoundError(
            "No software token has been associated with this session; call "
            "AssociateSoftwareToken with it first."
        )
    pool, client, user = _session_owner(core, record)
    step = totp.matching_step(secret, code, core.now())
    if step is None:
        record.data["failures"] = int(record.data.get("failures", 0)) + 1
        if record.data["failures"] >= core.config.max_code_failures:
            core.consume_session(session)
        raise mismatch
    _verified(user, secret, step, body.get("FriendlyDeviceName"))
    user.mfa_enabled.add("SOFTWARE_TOKEN_MFA")
    core.consume_session(session)
    data = {k: v for k, v in record.data.items() if k != "totp_pending"}
    new = core.open_session(
        pool, client, record.username, "MFA_SETUP", **dict(data, totp_verified=True)
    )
    return {"Status": "SUCCESS", "Session": new}


def _verified(user: User, secret: str, step: int, name: str | None) -> None:
    user.totp_secret = secret
    user.totp_pending = None
    user.totp_last_step = step
    if name:
        user.totp_friendly_name = name


# ------------------------------------------------------------------------------ challenges


def _code_answer(name: str, key: str) -> None:
    """Register the answer handler of a code challenge ``name`` (code under ``key``)."""

    @challenge(name)
    def answer(
        core: EmulatorCore,
        pool: Pool,
        client: AppClient,
        session: str | None,
        responses: dict[str, Any],
    ) -> dict[str, Any]:
        record = core.take_session(session, client, name)
        user = answering_user(core, pool, client, record, responses)
        check_session_code(core, record, session, required_param(responses, key))
        core.consume_session(session)
        ctx: SignInContext = record.data["ctx"]
        then = record.data.get("then")
        if then == "email_setup":
            user.attributes["email"] = str(record.data["destination"])
            mark_verified(pool, user, "email")
            user.mfa_enabled.add("EMAIL_OTP")
            user.modified = core.now()
        if then in ("mfa", "email_setup"):
            ctx.mfa_done = True
        return proceed(core, pool, client, user, ctx)

    del answer


_code_answer("SMS_MFA", "SMS_MFA_CODE")
_code_answer("EMAIL_OTP", "EMAIL_OTP_CODE")
_code_answer("SMS_OTP", "SMS_OTP_CODE")


@challenge("SOFTWARE_TOKEN_MFA")
def _software_token_mfa(
    core: EmulatorCore,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    record = core.take_session(session, client, "SOFTWARE_TOKEN_MFA")
    user = answering_user(core, pool, client, record, responses)
    code = required_param(responses, "SOFTWARE_TOKEN_MFA_CODE")
    if user.totp_secret is None:
        raise SoftwareTokenMFANotFoundError("Software token MFA is not set up for the user.")
    check_totp(core, user, user.totp_secret, code, record=record, token=session)
    core.consume_session(session)
    ctx: SignInContext = record.data["ctx"]
    ctx.mfa_done = True
    return proceed(core, pool, client, user, ctx)


@challenge("SELECT_MFA_TYPE")
def _select_mfa_type(
    core: EmulatorCore,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    record = core.take_session(session, client, "SELECT_MFA_TYPE")
    user = answering_user(core, pool, client, record, responses)
    answer = required_param(responses, "ANSWER")
    if answer == "EMAIL_MFA":  # the model's doc string spells it so; Amplify sends EMAIL_OTP
        answer = "EMAIL_OTP"
    choices = list(record.data.get("choices") or ())
    if answer not in choices or answer not in MFA_FACTORS:
        raise InvalidParameterError(
            f"Invalid ANSWER for SELECT_MFA_TYPE; choose one of {core.json_string(choices)}"
        )
    core.consume_session(session)
    return factor_challenge(core, pool, client, user, record.data["ctx"], answer)


@challenge("MFA_SETUP")
def _mfa_setup(
    core: EmulatorCore,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    record = core.take_session(session, client, "MFA_SETUP")
    user = answering_user(core, pool, client, record, responses)
    ctx: SignInContext = record.data["ctx"]
    if record.data.get("totp_verified"):
        core.consume_session(session)
        ctx.mfa_done = True
        return proceed(core, pool, client, user, ctx)
    email = responses.get("EMAIL")
    if email:
        if "EMAIL_OTP" not in pool.mfa_factors():
            raise InvalidParameterError("Email MFA is not enabled for this user pool.")
        if not is_email(str(email)):
            raise InvalidParameterError("Invalid email address format.")
        check_unique(pool, user, "email", str(email))
        core.consume_session(session)
        return code_challenge(
            core,
            pool,
            client,
            user,
            ctx,
            "EMAIL_OTP",
            "email",
            purpose="MFA",
            then="email_setup",
            destination=str(email),
        )
    raise InvalidParameterError(
        "MFA_SETUP needs a software token verified with VerifySoftwareToken (send its Session), "
        "or EMAIL to set up email MFA."
    )

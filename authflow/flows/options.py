"""How a sign-in is asked to run: :class:`SignInOptions`, defined once.

``AuthClient.sign_in`` builds it from its keyword arguments (or takes ``options=``), the flow
reads it, and a snapshot stores it whole (:meth:`SignInOptions.to_json` / :meth:`from_json` walk
the attrs fields), so a new option is one new field here and nothing else. Every value is
checked once, on construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

import attrs

from authflow.protocol.checks import (
    check_flag,
    check_optional_text,
    check_record,
    check_text,
    check_text_map,
)
from authflow.protocol.errors import ValidationError
from authflow.sessions.signin_operations import OPERATION_SETS, PUBLIC_AUTH_FLOWS

__all__ = [
    "PREFERRED_CHALLENGES",
    "SIGN_IN_AUTH_FLOWS",
    "SignInOptions",
    "SignInOptionsArgs",
]

#: The InitiateAuth AuthFlow values a (public) sign-in can start with (a subset of
#: :data:`authflow.protocol.AUTH_FLOWS`: refresh is not a sign-in; an admin sign-in takes
#: ``ADMIN_USER_PASSWORD_AUTH`` in place of ``USER_PASSWORD_AUTH``, see
#: :data:`~authflow.sessions.signin_operations.ADMIN_AUTH_FLOWS`).
SIGN_IN_AUTH_FLOWS = PUBLIC_AUTH_FLOWS
#: The AuthFlow values that send the password itself.
_PASSWORD_FLOWS = frozenset({"USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH"})
#: USER_AUTH's PREFERRED_CHALLENGE values.
PREFERRED_CHALLENGES = frozenset({"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"})


def _copy_metadata(value: object) -> object:
    # None means "no metadata"; anything that is not a mapping is left for the check to refuse
    if value is None:
        return {}
    return dict(value) if isinstance(value, Mapping) else value


@attrs.frozen(kw_only=True)
class SignInOptions:
    """The options of one sign-in (every field has a default).

    * ``auth_flow`` - ``USER_SRP_AUTH`` (default), ``USER_PASSWORD_AUTH``, ``CUSTOM_AUTH`` or
      ``USER_AUTH`` (choice-based), one of :data:`SIGN_IN_AUTH_FLOWS`; an admin sign-in takes
      ``ADMIN_USER_PASSWORD_AUTH`` in place of ``USER_PASSWORD_AUTH``;
    * ``preferred_challenge`` - USER_AUTH's first factor, one of :data:`PREFERRED_CHALLENGES`;
    * ``srp_first`` - CUSTOM_AUTH proves the password with SRP before the custom challenges;
    * ``client_metadata`` - ClientMetadata for the Lambda triggers;
    * ``remember_device`` / ``device_name`` - remember a new device (on "user opt-in" pools) and
      what to call it;
    * ``totp_issuer`` - the issuer in the ``otpauth://`` URI of an MFA_SETUP step;
    * ``session`` - ConfirmSignUp's Session, to sign in with USER_AUTH right after sign-up
      without the password (single-use: the flow drops it once sent; hidden from repr);
    * ``operations`` - which operation set the sign-in and its refreshes are sent with:
      ``"public"`` (InitiateAuth, the default) or ``"admin"`` (AdminInitiateAuth, signed with AWS
      credentials; set by ``AuthClient.admin_sign_in``), one of
      :data:`~authflow.sessions.signin_operations.OPERATION_SETS`.

    >>> SignInOptions(auth_flow="USER_AUTH", preferred_challenge="EMAIL_OTP").auth_flow
    'USER_AUTH'
    """

    auth_flow: str = "USER_SRP_AUTH"
    preferred_challenge: str | None = None
    srp_first: bool = False
    client_metadata: Mapping[str, str] = attrs.field(
        factory=dict, converter=_copy_metadata, repr=False
    )
    remember_device: bool = False
    device_name: str | None = None
    totp_issuer: str = "AWSCognito"
    session: str | None = attrs.field(default=None, repr=False)
    operations: str = "public"

    def __attrs_post_init__(self) -> None:
        role = check_text(self.operations, "operations", max_length=64)
        if role not in OPERATION_SETS:
            raise ValidationError(
                f"operations must be one of {sorted(OPERATION_SETS)}", field="operations"
            )
        flows = OPERATION_SETS[role].auth_flows
        if check_text(self.auth_flow, "auth_flow", max_length=64) not in flows:
            hint = ""
            for other, operations in OPERATION_SETS.items():
                if other != role and self.auth_flow in operations.auth_flows:
                    hint = f" ({self.auth_flow} is for {other} sign-ins)"
            raise ValidationError(
                f"auth_flow of a {role} sign-in must be one of {sorted(flows)}{hint}",
                field="auth_flow",
            )
        preferred = check_optional_text(
            self.preferred_challenge, "preferred_challenge", max_length=64
        )
        if preferred is not None and preferred not in PREFERRED_CHALLENGES:
            raise ValidationError(
                f"preferred_challenge must be one of {sorted(PREFERRED_CHALLENGES)}",
                field="preferred_challenge",
            )
        check_flag(self.srp_first, "srp_first")
        check_text_map(self.client_metadata, "client_metadata")
        check_flag(self.remember_device, "remember_device")
        check_optional_text(self.device_name, "device_name", max_length=1024)
        check_text(self.totp_issuer, "totp_issuer", max_length=256)
        check_optional_text(self.session, "session", max_length=2048)

    # -- what the options imply -----------------------------------------------------------------

    @property
    def needs_password(self) -> bool:
        """Whether starting this sign-in needs the password."""
        if self.auth_flow == "USER_SRP_AUTH" or self.auth_flow in _PASSWORD_FLOWS:
            return True
        if self.auth_flow == "CUSTOM_AUTH":
            return self.srp_first
        return self.preferred_challenge in ("PASSWORD", "PASSWORD_SRP")

    @property
    def sends_password(self) -> bool:
        """Whether InitiateAuth carries the password itself (USER_PASSWORD_AUTH,
        ADMIN_USER_PASSWORD_AUTH, or USER_AUTH preferring PASSWORD)."""
        return self.auth_flow in _PASSWORD_FLOWS or (
            self.auth_flow == "USER_AUTH" and self.preferred_challenge == "PASSWORD"
        )

    @property
    def starts_with_srp(self) -> bool:
        """Whether InitiateAuth carries SRP_A (the engine then answers PASSWORD_VERIFIER)."""
        flow = self.auth_flow
        return (
            flow == "USER_SRP_AUTH"
            or (flow == "CUSTOM_AUTH" and self.srp_first)
            or (flow == "USER_AUTH" and self.preferred_challenge == "PASSWORD_SRP")
        )

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def from_arguments(
        cls, options: SignInOptions | None, arguments: Mapping[str, Any]
    ) -> SignInOptions:
        """The options of ``AuthClient.sign_in``: ``options`` as given, or built from the keyword
        ``arguments`` (an unknown keyword, or both at once, is a ValidationError)."""
        known = {field.name for field in attrs.fields(cls)}
        for name in arguments:
            if name not in known:
                raise ValidationError(f"sign_in() has no option {name!r}", field=name)
        if options is None:
            return cls(**arguments)
        if not isinstance(options, SignInOptions):
            raise ValidationError("options must be a SignInOptions", field="options")
        if arguments:
            raise ValidationError(
                "give options=SignInOptions(...) or option keywords, not both", field="options"
            )
        return options

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict of every field (it holds ``session``, a bearer secret)."""
        out: dict[str, Any] = {}
        for field in attrs.fields(type(self)):
            value = getattr(self, field.name)
            out[field.name] = dict(value) if isinstance(value, Mapping) else value
        return out

    @classmethod
    def from_json(cls, data: object) -> SignInOptions:
        """Rebuild from :meth:`to_json` output: a missing or ``null`` member takes its default,
        unknown members are ignored, and every value is checked as on construction."""
        record = check_record(data, "options")
        arguments = {
            field.name: record[field.name]
            for field in attrs.fields(cls)
            if record.get(field.name) is not None
        }
        return cls(**arguments)


class SignInOptionsArgs(TypedDict, total=False):
    """The keyword arguments ``AuthClient.sign_in`` accepts: the fields of
    :class:`SignInOptions` (a test keeps the two the same)."""

    auth_flow: str
    preferred_challenge: str | None
    srp_first: bool
    client_metadata: Mapping[str, str] | None
    remember_device: bool
    device_name: str | None
    totp_issuer: str
    session: str | None
    operations: str

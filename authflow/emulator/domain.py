"""The emulator's domain model: pools, app clients, users, codes, token families, sessions,
devices.

Plain mutable records; the collaborators (:mod:`authflow.emulator.services`) and the operations in
:mod:`authflow.emulator.ops` change them under the core's lock. Secrets (passwords, codes, client
secrets, TOTP secrets, device verifiers, refresh-token digests) are excluded from reprs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from authflow.emulator.attributes import SchemaAttribute
from authflow.emulator.jwt import SigningKey
from authflow.emulator.passwords import PasswordPolicy, StoredPassword
from authflow.emulator.triggers import Triggers
from authflow.protocol.endpoints import pool_name_from_pool_id
from authflow.srp import ServerEphemeral

__all__ = [
    "MFA_FACTORS",
    "AppClient",
    "AuthEventFeedback",
    "ChallengeSession",
    "CodeRecord",
    "Device",
    "PendingSrp",
    "Pool",
    "RefreshToken",
    "ResourceServer",
    "SignInContext",
    "TokenFamily",
    "User",
    "UserPoolDomain",
]

#: The MFA factors of a user, in the order Cognito lists them.
MFA_FACTORS = ("SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP")


@attrs.define
class CodeRecord:
    """A code that was sent and is waiting to be typed back."""

    code: str = attrs.field(repr=False)
    expires_at: float
    attribute: str | None = None
    destination: str = attrs.field(default="", repr=False)
    failures: int = 0


@attrs.define
class User:
    """A user. ``username`` is the internal name (a UUID in e-mail/phone-as-username pools)."""

    username: str
    sub: str
    attributes: dict[str, str] = attrs.field(repr=False)
    status: str
    created: float
    modified: float
    enabled: bool = True
    password: StoredPassword | None = attrs.field(default=None, repr=False)
    temporary_password_expires: float | None = None
    #: Codes by purpose (``SIGN_UP``, ``FORGOT_PASSWORD``, ``VERIFY_ATTRIBUTE:<name>``).
    codes: dict[str, CodeRecord] = attrs.field(factory=dict, repr=False)
    failed_sign_ins: int = 0
    locked_until: float = 0.0
    #: MFA factors switched on by SetUserMFAPreference / a completed MFA_SETUP.
    mfa_enabled: set[str] = attrs.field(factory=set)
    mfa_preferred: str | None = None
    #: Legacy SetUserSettings ``MFAOptions`` (SMS only).
    mfa_options: list[dict[str, str]] = attrs.field(factory=list)
    #: The verified TOTP secret, and one associated but not yet verified.
    totp_secret: str | None = attrs.field(default=None, repr=False)
    totp_pending: str | None = attrs.field(default=None, repr=False)
    totp_friendly_name: str | None = None
    #: Last RFC 6238 time step accepted, so a code is never accepted twice.
    totp_last_step: int = -1
    #: DeviceGroupKey of every device of this user (drawn on first use).
    device_group_key: str | None = None

    def mfa_settings(self) -> list[str]:
        """``UserMFASettingList``: enabled factors, legacy SMS MFAOptions included."""
        enabled = set(self.mfa_enabled)
        if self.mfa_options:
            enabled.add("SMS_MFA")
        return [factor for factor in MFA_FACTORS if factor in enabled]


@attrs.define
class AppClient:
    """An app client. ``settings`` holds the wire settings as Describe returns them."""

    id: str
    pool_id: str
    name: str
    secret: str | None = attrs.field(repr=False)
    settings: dict[str, Any] = attrs.field(repr=False)
    created: float
    modified: float

    @property
    def auth_flows(self) -> frozenset[str]:
        """Enabled flows, legacy names mapped to their ``ALLOW_`` equivalents."""
        flows = self.settings.get("ExplicitAuthFlows") or [
            "ALLOW_REFRESH_TOKEN_AUTH",
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_CUSTOM_AUTH",
        ]
        legacy = {
            "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
            "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
            "CUSTOM_AUTH_FLOW_ONLY": "ALLOW_CUSTOM_AUTH",
        }
        mapped = {legacy.get(f, f) for f in flows}
        if any(f in legacy for f in flows):
            # Legacy clients always allowed SRP and refresh.
            mapped |= {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
        return frozenset(mapped)

    def _seconds(self, member: str, unit_key: str, default: int, default_unit: str) -> int:
        value = int(self.settings.get(member) or default)
        units = self.settings.get("TokenValidityUnits") or {}
        unit = units.get(unit_key) or default_unit
        return value * {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}[unit]

    @property
    def access_token_seconds(self) -> int:
        """Access-token lifetime (default 60 minutes)."""
        return self._seconds("AccessTokenValidity", "AccessToken", 60, "minutes")

    @property
    def id_token_seconds(self) -> int:
        """ID-token lifetime (default 60 minutes)."""
        return self._seconds("IdTokenValidity", "IdToken", 60, "minutes")

    @property
    def refresh_token_seconds(self) -> int:
        """Refresh-token lifetime (default 30 days)."""
        return self._seconds("RefreshTokenValidity", "RefreshToken", 30, "days")

    @property
    def auth_session_seconds(self) -> int:
        """Lifetime of a challenge ``Session`` (AuthSessionValidity, default 3 minutes)."""
        return int(self.settings.get("AuthSessionValidity") or 3) * 60

    @property
    def refresh_token_rotation(self) -> bool:
        """RefreshTokenRotation.Feature is ENABLED."""
        rotation = self.settings.get("RefreshTokenRotation") or {}
        return rotation.get("Feature") == "ENABLED"

    @property
    def refresh_grace_seconds(self) -> int:
        """RefreshTokenRotation.RetryGracePeriodSeconds (default 0: no grace)."""
        rotation = self.settings.get("RefreshTokenRotation") or {}
        return int(rotation.get("RetryGracePeriodSeconds") or 0)

    @property
    def prevent_user_existence_errors(self) -> bool:
        """``PreventUserExistenceErrors == ENABLED`` (the API default is LEGACY)."""
        return self.settings.get("PreventUserExistenceErrors") == "ENABLED"

    @property
    def token_revocation(self) -> bool:
        """``EnableTokenRevocation`` (default on)."""
        return bool(self.settings.get("EnableTokenRevocation", True))

    @property
    def oauth_enabled(self) -> bool:
        """``AllowedOAuthFlowsUserPoolClient``: the OAuth settings below apply only when set."""
        return bool(self.settings.get("AllowedOAuthFlowsUserPoolClient"))

    @property
    def oauth_flows(self) -> frozenset[str]:
        """``AllowedOAuthFlows`` (``code``, ``implicit``, ``client_credentials``) in force."""
        if not self.oauth_enabled:
            return frozenset()
        return frozenset(self.settings.get("AllowedOAuthFlows") or ())

    @property
    def oauth_scopes(self) -> tuple[str, ...]:
        """``AllowedOAuthScopes`` in force, in the order registered."""
        if not self.oauth_enabled:
            return ()
        return tuple(self.settings.get("AllowedOAuthScopes") or ())

    @property
    def callback_urls(self) -> tuple[str, ...]:
        """``CallbackURLs`` in force (the only ``redirect_uri`` values accepted)."""
        if not self.oauth_enabled:
            return ()
        return tuple(self.settings.get("CallbackURLs") or ())

    @property
    def logout_urls(self) -> tuple[str, ...]:
        """``LogoutURLs`` in force (the only ``logout_uri`` values accepted)."""
        if not self.oauth_enabled:
            return ()
        return tuple(self.settings.get("LogoutURLs") or ())

    @property
    def identity_providers(self) -> tuple[str, ...]:
        """``SupportedIdentityProviders`` (``COGNITO`` for the pool's own login page)."""
        return tuple(self.settings.get("SupportedIdentityProviders") or ())

    def readable(self, name: str) -> bool:
        """Whether the client may read attribute ``name`` (ReadAttributes; default all)."""
        allowed = self.settings.get("ReadAttributes")
        return not allowed or name in allowed or name == "sub"

    def writable(self, name: str) -> bool:
        """Whether the client may write attribute ``name`` (WriteAttributes; default all but
        the ``*_verified`` flags)."""
        allowed = self.settings.get("WriteAttributes")
        if allowed:
            return name in allowed
        return name not in ("sub", "email_verified", "phone_number_verified")


@attrs.define
class TokenFamily:
    """One authentication event: its tokens share ``origin_jti`` and die together."""

    origin_jti: str
    pool_id: str
    client_id: str
    username: str
    sub: str
    auth_time: int
    event_id: str
    revoked: bool = False
    #: The device this sign-in is tied to (new-device metadata or device authentication).
    device_key: str | None = None
    #: The OAuth 2.0 scopes granted at the pool's domain (``None``: an API sign-in, whose access
    #: tokens carry only ``aws.cognito.signin.user.admin``).
    scopes: tuple[str, ...] | None = None


@attrs.define
class RefreshToken:
    """One refresh token (found by the SHA-256 of its text) of a token family.

    With refresh-token rotation a used token is ``superseded`` at the time of its first use and
    stays valid for the client's RetryGracePeriodSeconds after that."""

    pool_id: str
    origin_jti: str
    expires_at: float
    superseded_at: float | None = None


@attrs.define
class SignInContext:
    """What a sign-in in progress has established, carried from challenge to challenge.

    ``first_factor`` is how the user proved themselves first: ``PASSWORD`` (USER_PASSWORD_AUTH,
    USER_AUTH PASSWORD), ``SRP`` (PASSWORD_VERIFIER), ``CUSTOM`` (custom auth triggers), ``OTP``
    (USER_AUTH EMAIL_OTP/SMS_OTP) or ``SIGN_UP`` (a ConfirmSignUp Session). ``device_key`` is the
    remembered device the client presented."""

    username: str
    first_factor: str
    device_key: str | None = None
    mfa_done: bool = False
    device_done: bool = False


@attrs.define
class Device:
    """A device of a user: issued as NewDeviceMetadata, confirmed with its SRP verifier."""

    key: str
    username: str
    group_key: str
    created: float
    modified: float
    last_authenticated: float
    salt: bytes | None = attrs.field(default=None, repr=False)
    verifier: int | None = attrs.field(default=None, repr=False)
    remembered: bool = False
    name: str | None = None

    @property
    def confirmed(self) -> bool:
        """Whether ConfirmDevice stored a verifier (only then can it sign in)."""
        return self.verifier is not None and self.salt is not None


@attrs.define
class AuthEventFeedback:
    """One UpdateAuthEventFeedback call, as recorded."""

    pool_id: str
    username: str
    event_id: str
    value: str
    time: float


@attrs.define
class ChallengeSession:
    """A challenge ``Session`` handed to the client, waiting for its answer."""

    pool_id: str
    client_id: str
    username: str
    challenge: str
    expires_at: float
    data: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define
class PendingSrp:
    """Server state of one PASSWORD_VERIFIER challenge, found by its SECRET_BLOCK.

    ``username`` is ``None`` for the simulated challenge of an unknown user."""

    pool_id: str
    client_id: str
    username: str | None
    user_id_for_srp: str
    srp_a: str = attrs.field(repr=False)
    server: ServerEphemeral = attrs.field(repr=False)
    verifier: int = attrs.field(repr=False)
    expires_at: float
    #: The sign-in this proof belongs to (``None`` for the simulated challenge).
    context: SignInContext | None = None
    #: ``PASSWORD_VERIFIER`` or ``DEVICE_PASSWORD_VERIFIER``.
    challenge: str = "PASSWORD_VERIFIER"
    #: For a device proof: the device key (SRP user id) and group key (SRP pool name).
    device_key: str | None = None
    srp_pool_name: str | None = None
    #: What runs once the proof passes, ``(services, pool, client, user, context) -> response``
    #: (``None``: the sign-in pipeline; custom auth asks its triggers again).
    then: Callable[..., dict[str, Any]] | None = attrs.field(default=None, repr=False)
    #: The challenge Session issued with this proof, consumed with it.
    session: str | None = attrs.field(default=None, repr=False)


@attrs.define
class UserPoolDomain:
    """A pool's prefix domain (CreateUserPoolDomain): the managed login pages and OAuth 2.0
    endpoints are served under it."""

    prefix: str
    managed_login_version: int
    created: float


@attrs.define
class ResourceServer:
    """A resource server (CreateResourceServer); its scopes are used as
    ``{identifier}/{ScopeName}``. ``scopes`` holds ``ResourceServerScopeType`` dicts."""

    identifier: str
    name: str
    scopes: list[dict[str, str]]

    def scope_names(self) -> list[str]:
        """The full names of this server's scopes (``identifier/scope``)."""
        return [f"{self.identifier}/{scope['ScopeName']}" for scope in self.scopes]


@attrs.define
class Pool:
    """A user pool. ``settings`` holds the wire settings as DescribeUserPool returns them."""

    id: str
    name: str
    region: str
    settings: dict[str, Any] = attrs.field(repr=False)
    schema: dict[str, SchemaAttribute] = attrs.field(repr=False)
    created: float
    modified: float
    #: Users by normalised username (case-folded when the pool is case-insensitive).
    users: dict[str, User] = attrs.field(factory=dict, repr=False)
    clients: dict[str, AppClient] = attrs.field(factory=dict, repr=False)
    families: dict[str, TokenFamily] = attrs.field(factory=dict, repr=False)
    #: Per-pool secret for stable simulated SRP challenges of unknown users.
    fake_secret: bytes = attrs.field(default=b"", repr=False)
    id_key: SigningKey | None = attrs.field(default=None, repr=False)
    access_key: SigningKey | None = attrs.field(default=None, repr=False)
    #: The keys the last rotation replaced: still published in the JWKS, and the access key
    #: still accepted, until the next rotation (``TokenService.rotate_keys``).
    previous_id_key: SigningKey | None = attrs.field(default=None, repr=False)
    previous_access_key: SigningKey | None = attrs.field(default=None, repr=False)
    #: SetUserPoolMfaConfig's factor settings (SmsMfaConfiguration, SoftwareTokenMfaConfiguration,
    #: EmailMfaConfiguration, WebAuthnConfiguration) as last set.
    mfa_config: dict[str, Any] = attrs.field(factory=dict, repr=False)
    #: Lambda triggers as Python callables.
    triggers: Triggers = attrs.field(factory=Triggers, repr=False)
    devices: dict[str, Device] = attrs.field(factory=dict, repr=False)
    #: The prefix domain, if one was created.
    domain: UserPoolDomain | None = None
    #: Resource servers by identifier.
    resource_servers: dict[str, ResourceServer] = attrs.field(factory=dict, repr=False)

    @property
    def name_part(self) -> str:
        """The pool-name part of the id (after the underscore), used by SRP."""
        return pool_name_from_pool_id(self.id)

    @property
    def arn(self) -> str:
        """A plausible ARN (account 000000000000)."""
        return f"arn:aws:cognito-idp:{self.region}:000000000000:userpool/{self.id}"

    @property
    def password_policy(self) -> PasswordPolicy:
        """The pool's password policy."""
        return PasswordPolicy.from_wire((self.settings.get("Policies") or {}).get("PasswordPolicy"))

    @property
    def username_attributes(self) -> tuple[str, ...]:
        """UsernameAttributes (``email`` / ``phone_number`` usable as the username)."""
        return tuple(self.settings.get("UsernameAttributes") or ())

    @property
    def alias_attributes(self) -> tuple[str, ...]:
        """AliasAttributes (verified ``email`` / ``phone_number`` / ``preferred_username``)."""
        return tuple(self.settings.get("AliasAttributes") or ())

    @property
    def auto_verified(self) -> tuple[str, ...]:
        """AutoVerifiedAttributes."""
        return tuple(self.settings.get("AutoVerifiedAttributes") or ())

    @property
    def case_sensitive(self) -> bool:
        """UsernameConfiguration.CaseSensitive (the API default is case-sensitive)."""
        return bool((self.settings.get("UsernameConfiguration") or {}).get("CaseSensitive", True))

    @property
    def admin_create_user_only(self) -> bool:
        """AdminCreateUserConfig.AllowAdminCreateUserOnly (no self sign-up)."""
        config = self.settings.get("AdminCreateUserConfig") or {}
        return bool(config.get("AllowAdminCreateUserOnly", False))

    @property
    def mfa_mode(self) -> str:
        """MfaConfiguration: ``OFF``, ``ON`` or ``OPTIONAL``."""
        return str(self.settings.get("MfaConfiguration") or "OFF")

    def mfa_factors(self) -> list[str]:
        """The MFA factors the pool has switched on (SMS, TOTP, e-mail), in Cognito's order."""
        config = self.mfa_config
        factors = []
        if config.get("SmsMfaConfiguration") is not None:
            factors.append("SMS_MFA")
        if (config.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled"):
            factors.append("SOFTWARE_TOKEN_MFA")
        if config.get("EmailMfaConfiguration") is not None:
            factors.append("EMAIL_OTP")
        return factors

    @property
    def device_configuration(self) -> dict[str, Any] | None:
        """DeviceConfiguration, or ``None`` when the pool does not remember devices."""
        config = self.settings.get("DeviceConfiguration")
        return dict(config) if isinstance(config, dict) else None

    @property
    def first_auth_factors(self) -> tuple[str, ...]:
        """SignInPolicy.AllowedFirstAuthFactors (choice-based sign-in; default PASSWORD)."""
        policy = (self.settings.get("Policies") or {}).get("SignInPolicy") or {}
        return tuple(policy.get("AllowedFirstAuthFactors") or ("PASSWORD",))

    def key(self, username: str) -> str:
        """The dictionary key for ``username`` under the pool's case rule."""
        return username if self.case_sensitive else username.casefold()

    def user(self, username: str) -> User | None:
        """The user whose internal ``username`` this is (under the pool's case rule), if any;
        no alias or ``sub`` lookup (see :meth:`Directory.find_user
        <authflow.emulator.directory.Directory.find_user>` for that)."""
        return self.users.get(self.key(username))

    def add_user(self, user: User) -> None:
        """Store ``user`` under its internal username."""
        self.users[self.key(user.username)] = user

    def remove_user(self, user: User) -> None:
        """Forget ``user`` (its tokens are the token service's business)."""
        self.users.pop(self.key(user.username), None)

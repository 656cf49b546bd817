"""Emulator-wide knobs that Cognito does not let a pool configure (lockout, code lifetimes)."""

from __future__ import annotations

import attrs

__all__ = ["EmulatorConfig"]


@attrs.frozen
class EmulatorConfig:
    """Timings and limits of the emulator; the defaults follow Cognito's documented behaviour.

    * ``lockout_threshold`` failed password checks in a row lock the user out; each further failure
      doubles the lockout, starting at ``lockout_base_seconds`` and capped at
      ``lockout_max_seconds`` ("After five unsuccessful sign-in attempts … starting at 1 second and
      doubling … up to about 15 minutes"). During a lockout every sign-in gets
      ``NotAuthorizedException: Password attempts exceeded``.
    * Codes: sign-up and attribute-verification codes live 24 hours, password-reset codes 1 hour;
      ``max_code_failures`` wrong guesses burn a code (``LimitExceededException``).
    * ``srp_timestamp_tolerance_seconds``: how far a PASSWORD_VERIFIER ``TIMESTAMP`` may be from
      the emulator's clock.
    * ``otp_code_seconds``: how long a sign-in code (SMS/e-mail MFA, MFA set-up, passwordless
      EMAIL_OTP/SMS_OTP) may be typed back (Cognito's SMS MFA codes last 3 minutes); the
      challenge session may expire earlier (the app client's AuthSessionValidity). Each challenge
      session takes ``max_code_failures`` wrong codes before it is spent.
    * ``authorization_code_seconds``: how long an OAuth 2.0 authorization code may be redeemed
      (Cognito's live 5 minutes, docs/oauth-notes.md §A1).
    """

    lockout_threshold: int = 5
    lockout_base_seconds: float = 1.0
    lockout_max_seconds: float = 900.0
    sign_up_code_seconds: float = 24 * 3600
    attribute_code_seconds: float = 24 * 3600
    reset_code_seconds: float = 3600
    max_code_failures: int = 5
    srp_timestamp_tolerance_seconds: float = 300
    otp_code_seconds: float = 180
    authorization_code_seconds: float = 300

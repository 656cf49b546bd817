"""The operation handlers the emulator serves, one module per area; plain functions that register
nothing on import (:mod:`authflow.emulator.composition` wires them up).

Operations and sign-in steps:

* :mod:`.signin_router` — InitiateAuth / RespondToAuthChallenge, routed by AuthFlow and
  ChallengeName; :mod:`.password_auth` (USER_PASSWORD_AUTH), :mod:`.srp_auth` (USER_SRP_AUTH,
  PASSWORD_VERIFIER), :mod:`.refresh` (REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken),
  :mod:`.new_password` (NEW_PASSWORD_REQUIRED), :mod:`.custom` (CUSTOM_AUTH and its triggers),
  :mod:`.user_auth` (USER_AUTH choice-based sign-in, passkey stubs), :mod:`.mfa_answers` (the MFA
  and one-time-code challenges).
* :mod:`.signup` — SignUp, confirmation codes, forgotten passwords.
* :mod:`.account` — the access-token-authorized user operations, GlobalSignOut, RevokeToken.
* :mod:`.mfa_settings` — pool MFA configuration and user MFA preferences; :mod:`.totp_setup` —
  AssociateSoftwareToken / VerifySoftwareToken.
* :mod:`.devices` — remembered devices, device SRP, auth-event feedback.
* :mod:`.user_pools` — pools and app clients; :mod:`.admin_users` — the admin user operations.

Rules several of them share: :mod:`.signin_pipeline` (what follows a passed step),
:mod:`.mfa_challenges` (which MFA factor, code and TOTP checks), :mod:`.device_rules`,
:mod:`.user_rules` (usernames, attributes, verification, PreSignUp, wire views).

An operation handler is ``(services, request, body) -> response body``
(:data:`~authflow.emulator.dispatch.OperationHandler`); it raises
:class:`~authflow.protocol.errors.ServiceError` subclasses for Cognito's errors.
"""

__all__: list[str] = []

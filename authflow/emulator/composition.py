"""The composition root: every operation, InitiateAuth flow and challenge the emulator serves,
registered explicitly in one place.

Reading this module is reading the emulator's surface. Operation modules register nothing
themselves (importing one has no side effect); a new operation is a handler in an
:mod:`authflow.emulator.ops` module plus one line here.
"""

from __future__ import annotations

from authflow.emulator.dispatch import Dispatcher
from authflow.emulator.ops import (
    account,
    admin_users,
    custom,
    devices,
    domains,
    mfa_answers,
    mfa_settings,
    new_password,
    password_auth,
    refresh,
    resource_servers,
    signup,
    srp_auth,
    totp_setup,
    user_auth,
    user_pools,
)
from authflow.emulator.ops.signin_router import SignInRouter

__all__ = ["build_dispatcher", "build_signin_router"]


def build_signin_router() -> SignInRouter:
    """The InitiateAuth flows and RespondToAuthChallenge challenges, each with its handler."""
    router = SignInRouter()
    router.register_initiate_auth("USER_PASSWORD_AUTH", password_auth.start_password_auth)
    router.register_initiate_auth("USER_SRP_AUTH", srp_auth.start_srp_auth)
    router.register_initiate_auth("REFRESH_TOKEN_AUTH", refresh.refresh_tokens)
    router.register_initiate_auth("REFRESH_TOKEN", refresh.refresh_tokens)
    router.register_initiate_auth("CUSTOM_AUTH", custom.start_custom_auth)
    router.register_initiate_auth("USER_AUTH", user_auth.start_user_auth)
    # AdminInitiateAuth only: the password sent in the request, as USER_PASSWORD_AUTH checks it.
    router.register_initiate_auth("ADMIN_USER_PASSWORD_AUTH", password_auth.start_password_auth)
    router.register_initiate_auth("ADMIN_NO_SRP_AUTH", password_auth.start_password_auth)

    router.register_challenge("PASSWORD_VERIFIER", srp_auth.answer_password_verifier)
    router.register_challenge("NEW_PASSWORD_REQUIRED", new_password.answer_new_password_required)
    router.register_challenge("CUSTOM_CHALLENGE", custom.answer_custom_challenge)
    router.register_challenge("SELECT_CHALLENGE", user_auth.answer_select_challenge)
    router.register_challenge("SMS_MFA", mfa_answers.answer_sms_mfa)
    router.register_challenge("EMAIL_OTP", mfa_answers.answer_email_otp)
    router.register_challenge("SMS_OTP", mfa_answers.answer_sms_otp)
    router.register_challenge("SOFTWARE_TOKEN_MFA", mfa_answers.answer_software_token_mfa)
    router.register_challenge("SELECT_MFA_TYPE", mfa_answers.answer_select_mfa_type)
    router.register_challenge("MFA_SETUP", mfa_answers.answer_mfa_setup)
    router.register_challenge("DEVICE_SRP_AUTH", devices.answer_device_srp_auth)
    router.register_challenge("DEVICE_PASSWORD_VERIFIER", devices.answer_device_password_verifier)
    return router


def build_dispatcher(sign_in: SignInRouter | None = None) -> Dispatcher:
    """Every operation with its handler; sign-in goes through ``sign_in`` (default:
    :func:`build_signin_router`)."""
    sign_in = sign_in if sign_in is not None else build_signin_router()
    d = Dispatcher()
    # Sign-in and tokens.
    d.register("InitiateAuth", sign_in.initiate_auth)
    d.register("RespondToAuthChallenge", sign_in.respond_to_auth_challenge)
    d.register("AdminInitiateAuth", sign_in.admin_initiate_auth)
    d.register("AdminRespondToAuthChallenge", sign_in.admin_respond_to_auth_challenge)
    d.register("GetTokensFromRefreshToken", refresh.get_tokens_from_refresh_token)
    d.register("GetUserAuthFactors", user_auth.get_user_auth_factors)
    d.register("StartWebAuthnRegistration", user_auth.web_authn_registration)
    d.register("CompleteWebAuthnRegistration", user_auth.web_authn_registration)
    d.register("ListWebAuthnCredentials", user_auth.list_web_authn_credentials)
    d.register("DeleteWebAuthnCredential", user_auth.delete_web_authn_credential)
    # Sign-up and forgotten passwords.
    d.register("SignUp", signup.sign_up)
    d.register("ConfirmSignUp", signup.confirm_sign_up)
    d.register("ResendConfirmationCode", signup.resend_confirmation_code)
    d.register("ForgotPassword", signup.forgot_password)
    d.register("ConfirmForgotPassword", signup.confirm_forgot_password)
    # The signed-in user.
    d.register("GetUser", account.get_user)
    d.register("ChangePassword", account.change_password)
    d.register("UpdateUserAttributes", account.update_user_attributes)
    d.register("DeleteUserAttributes", account.delete_user_attributes)
    d.register("GetUserAttributeVerificationCode", account.get_user_attribute_verification_code)
    d.register("VerifyUserAttribute", account.verify_user_attribute)
    d.register("DeleteUser", account.delete_user)
    d.register("GlobalSignOut", account.global_sign_out)
    d.register("RevokeToken", account.revoke_token)
    # MFA.
    d.register("SetUserPoolMfaConfig", mfa_settings.set_user_pool_mfa_config)
    d.register("GetUserPoolMfaConfig", mfa_settings.get_user_pool_mfa_config)
    d.register("SetUserMFAPreference", mfa_settings.set_user_mfa_preference)
    d.register("AdminSetUserMFAPreference", mfa_settings.admin_set_user_mfa_preference)
    d.register("SetUserSettings", mfa_settings.set_user_settings)
    d.register("AssociateSoftwareToken", totp_setup.associate_software_token)
    d.register("VerifySoftwareToken", totp_setup.verify_software_token)
    # Devices and auth events.
    d.register("ConfirmDevice", devices.confirm_device)
    d.register("GetDevice", devices.get_device)
    d.register("ListDevices", devices.list_devices)
    d.register("UpdateDeviceStatus", devices.update_device_status)
    d.register("ForgetDevice", devices.forget_device)
    d.register("UpdateAuthEventFeedback", devices.update_auth_event_feedback)
    # Provisioning: pools and app clients.
    d.register("CreateUserPool", user_pools.create_user_pool)
    d.register("DescribeUserPool", user_pools.describe_user_pool)
    d.register("UpdateUserPool", user_pools.update_user_pool)
    d.register("DeleteUserPool", user_pools.delete_user_pool)
    d.register("CreateUserPoolClient", user_pools.create_user_pool_client)
    d.register("DescribeUserPoolClient", user_pools.describe_user_pool_client)
    d.register("UpdateUserPoolClient", user_pools.update_user_pool_client)
    d.register("DeleteUserPoolClient", user_pools.delete_user_pool_client)
    # Provisioning: the pool's domain and resource servers (OAuth 2.0).
    d.register("CreateUserPoolDomain", domains.create_user_pool_domain)
    d.register("DescribeUserPoolDomain", domains.describe_user_pool_domain)
    d.register("UpdateUserPoolDomain", domains.update_user_pool_domain)
    d.register("DeleteUserPoolDomain", domains.delete_user_pool_domain)
    d.register("CreateResourceServer", resource_servers.create_resource_server)
    d.register("DescribeResourceServer", resource_servers.describe_resource_server)
    d.register("ListResourceServers", resource_servers.list_resource_servers)
    d.register("UpdateResourceServer", resource_servers.update_resource_server)
    d.register("DeleteResourceServer", resource_servers.delete_resource_server)
    # Provisioning: admin user operations.
    d.register("AdminCreateUser", admin_users.admin_create_user)
    d.register("AdminSetUserPassword", admin_users.admin_set_user_password)
    d.register("AdminConfirmSignUp", admin_users.admin_confirm_sign_up)
    d.register("AdminGetUser", admin_users.admin_get_user)
    d.register("AdminDeleteUser", admin_users.admin_delete_user)
    d.register("AdminDisableUser", admin_users.admin_disable_user)
    d.register("AdminEnableUser", admin_users.admin_enable_user)
    d.register("AdminResetUserPassword", admin_users.admin_reset_user_password)
    d.register("AdminUpdateUserAttributes", admin_users.admin_update_user_attributes)
    d.register("ListUsers", admin_users.list_users)
    return d

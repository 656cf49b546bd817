"""SignUpFlow and ForgotPasswordFlow return a Step like every flow: the state and where the code
went."""

from __future__ import annotations

from scripted_cognito import Script, scripted_client

from authflow import CodeDelivery, Step

DELIVERY = {"CodeDeliveryDetails": {"DeliveryMedium": "EMAIL", "Destination": "a***@x***",
                                    "AttributeName": "email"}}


async def test_sign_up_steps() -> None:
    script = (Script().on("SignUp", {"UserConfirmed": False, "UserSub": "sub-1", **DELIVERY})
              .on("ConfirmSignUp", {"Session": "c" * 30}))
    signup = scripted_client(script).sign_up("ann", "Correct-Horse-9!")
    step = await signup.step()
    assert step == Step(state="PendingConfirmation",
                        delivery=CodeDelivery("EMAIL", "a***@x***", "email"))
    step = await signup.step("123456")
    assert step.state == signup.state == "Confirmed" and signup.session == "c" * 30


async def test_an_auto_confirmed_sign_up_is_one_step() -> None:
    script = Script().on("SignUp", {"UserConfirmed": True, "UserSub": "sub-2"})
    step = await scripted_client(script).sign_up("bob", "Correct-Horse-9!").step()
    assert step == Step(state="Confirmed")


async def test_forgot_password_steps() -> None:
    script = Script().on("ForgotPassword", DELIVERY).on("ConfirmForgotPassword", {})
    reset = scripted_client(script).forgot_password("ann")
    step = await reset.step()
    assert step.state == "CodeSent" and step.delivery is not None
    assert step.delivery.medium == "EMAIL"
    step = await reset.step({"ConfirmationCode": "123456", "Password": "Another-Pass-7!"})
    assert step.state == reset.state == "PasswordReset"

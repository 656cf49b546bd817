"""Every public module pins ``__all__``, and every public name in it has a docstring."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import authflow

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(authflow.__path__, "authflow.")
    if not any(part.startswith("_") for part in m.name.split("."))
)


def test_top_level_names() -> None:
    assert set(authflow.__all__) == {
        "Account", "AuthClient", "AuthflowError", "ChallengeExpiredError", "CodeDelivery",
        "CognitoConfig", "ForgotPasswordFlow", "InvalidStateError", "MemoryStore",
        "ProtocolViolationError", "ServiceError", "SessionEvent", "SessionRecord", "SignInFlow",
        "SignUpFlow", "Step", "Store", "Tokens", "TransitionEvent", "TransportError",
        "TransportTimeoutError", "ValidationError", "__version__",
    }
    for name in authflow.__all__:
        assert getattr(authflow, name) is not None
    with pytest.raises(AttributeError):
        authflow.NoSuchThing  # noqa: B018


@pytest.mark.parametrize("name", MODULES)
def test_module_has_all_and_docstrings(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__, f"{name} has no module docstring"
    exported = getattr(module, "__all__", None)
    if name.endswith("__main__"):
        return
    assert exported is not None, f"{name} has no __all__"
    missing = []
    for attr in exported:
        value = getattr(module, attr)
        if inspect.isclass(value) or inspect.isfunction(value):
            if not inspect.getdoc(value):
                missing.append(attr)
            if inspect.isclass(value):
                for meth_name, meth in vars(value).items():
                    if meth_name.startswith("_") or not inspect.isfunction(meth):
                        continue
                    if not inspect.getdoc(meth):
                        missing.append(f"{attr}.{meth_name}")
    assert not missing, f"{name}: no docstring on {missing}"

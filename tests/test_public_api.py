"""Every public module pins ``__all__``, and every public name in it has a docstring."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys

import pytest

import authflow
from authflow.protocol import errors

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(authflow.__path__, "authflow.")
    if not any(part.startswith("_") for part in m.name.split("."))
)


def _error_classes() -> set[str]:
    """Every exception class authflow.protocol.errors defines (walked, not listed)."""
    found: set[str] = set()
    pending: list[type[BaseException]] = [errors.AuthflowError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__ == errors.__name__:
            found.add(cls.__name__)
    return found


def test_top_level_names() -> None:
    assert set(authflow.__all__) == {
        "Account", "AuthClient", "CodeDelivery", "CognitoConfig", "ForgotPasswordFlow",
        "MemoryStore", "SessionEvent", "SessionRecord", "SignInFlow", "SignInOptions",
        "SignUpFlow", "Step", "Store", "Tokens", "TransitionEvent", "__version__",
    } | _error_classes()
    assert len(authflow.__all__) == len(set(authflow.__all__))
    for name in authflow.__all__:
        assert getattr(authflow, name) is not None
    with pytest.raises(AttributeError):
        authflow.NoSuchThing  # noqa: B018
    with pytest.raises(AttributeError):
        authflow.redact  # noqa: B018  (a function of errors, not an error class)


def test_every_service_error_is_importable_from_the_top() -> None:
    from authflow import CodeMismatchError, NotAuthorizedError

    assert CodeMismatchError is errors.CodeMismatchError
    assert NotAuthorizedError is errors.NotAuthorizedError
    for cls in errors.SERVICE_ERRORS.values():
        assert getattr(authflow, cls.__name__) is cls
    for name in ("ChallengeExpiredError", "SessionNotFoundError"):
        assert getattr(authflow, name) is getattr(errors, name)


def test_importing_an_error_stays_lazy() -> None:
    code = (
        "import sys; from authflow import CodeMismatchError, ChallengeExpiredError; "
        "print(','.join(sorted(m for m in ('aiohttp', 'transitions') if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


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

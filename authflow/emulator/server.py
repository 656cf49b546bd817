"""The :class:`Emulator`: an in-process Cognito server on 127.0.0.1 for tests and demos."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any

from aiohttp import web

from authflow.emulator.app import build_app
from authflow.emulator.clock import Clock, RandBytes
from authflow.emulator.config import EmulatorConfig
from authflow.emulator.core import ClientRef, EmulatorCore, KeyRotation, PoolRef
from authflow.emulator.faults import Faults
from authflow.emulator.outbox import Outbox
from authflow.emulator.sigv4 import IamCredentials, SigV4Verifier
from authflow.emulator.triggers import Triggers
from authflow.protocol.errors import ResourceNotFoundError

__all__ = ["Emulator", "threaded_emulator"]


class Emulator:
    """A local Cognito user-pool service, strict where it matters (see the package docs).

    ::

        async with Emulator() as emu:                   # 127.0.0.1, a free port
            pool = emu.create_user_pool("demo", auto_verified_attributes=["email"])
            app = emu.create_user_pool_client(pool.id, generate_secret=True)
            ...  # point any Cognito client at emu.endpoint
            code = emu.outbox.latest(username="alice").code

    ``clock`` (POSIX seconds) and ``randbytes`` are injected into everything time- or
    randomness-dependent; ``region`` prefixes pool ids; ``config`` holds lockout and code
    lifetimes; ``fault_seed`` seeds rate-limited :attr:`faults`. Provisioning may happen before or
    after :meth:`start`.

    Triggers are Python callables (:class:`~authflow.emulator.Triggers`)::

        pool = emu.create_user_pool("p", triggers=Triggers(define_auth_challenge=define, ...))
        emu.set_triggers(pool.id, Triggers(pre_sign_up=auto_confirm))

    Faults for reliability tests (:class:`~authflow.emulator.Faults`)::

        emu.faults.add("throttle", operation="InitiateAuth", times=2)

    IAM-authorized operations (``Admin*``, provisioning) are accepted with any signature, unless
    ``iam_credentials`` (access key id → secret, or → ``(secret, session token)``) is given: then
    their SigV4 signatures are verified as AWS verifies them (:mod:`authflow.emulator.sigv4`;
    needs botocore, the ``admin`` extra)::

        async with Emulator(iam_credentials={"AKIDEXAMPLE": "secret"}) as emu: ...

    OAuth 2.0 endpoints and the managed login pages, once the pool has a domain::

        base = emu.create_user_pool_domain(pool.id, "my-app")   # {endpoint}/domains/my-app
        # {base}/oauth2/authorize, {base}/login, {base}/oauth2/token, ...
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        clock: Clock | None = None,
        randbytes: RandBytes | None = None,
        region: str = "us-east-1",
        config: EmulatorConfig | None = None,
        fault_seed: int = 0,
        iam_credentials: IamCredentials | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.core = EmulatorCore(clock=clock, randbytes=randbytes, region=region, config=config)
        self._faults = Faults(fault_seed)
        self._signatures = (
            SigV4Verifier(iam_credentials, region=region) if iam_credentials is not None else None
        )
        self._runner: web.AppRunner | None = None
        self._executor: ThreadPoolExecutor | None = None

    @property
    def endpoint(self) -> str:
        """``http://host:port`` of the running server (what SDKs take as endpoint URL)."""
        if self._runner is None:
            raise RuntimeError("the emulator is not running; use 'async with Emulator()'")
        return f"http://{self.host}:{self.port}"

    @property
    def outbox(self) -> Outbox:
        """Every code and invitation the emulator has "sent"."""
        return self.core.outbox

    @property
    def faults(self) -> Faults:
        """The fault rules applied to Cognito requests over HTTP (the web layer's; a direct
        :meth:`handle` call meets none)."""
        return self._faults

    @property
    def verifies_signatures(self) -> bool:
        """Whether IAM-authorized requests must carry a valid SigV4 signature
        (``iam_credentials`` was given)."""
        return self._signatures is not None

    @property
    def region(self) -> str:
        """The region of the pools this emulator creates."""
        return self.core.region

    async def start(self) -> None:
        """Bind and serve; ``port=0`` picks a free port, which :attr:`port` then reports."""
        if self._runner is not None:
            return
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="authflow-emulator")
        app = build_app(self.core, self._faults, self._executor, signatures=self._signatures)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            self._executor.shutdown(wait=False)
            raise
        address = runner.addresses[0]
        self.port = int(address[1])
        self._runner = runner
        self.core.issuer_base = f"http://{self.host}:{self.port}"

    async def close(self) -> None:
        """Stop serving (state stays readable)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def create_user_pool(
        self, name: str, *, triggers: Triggers | None = None, **settings: Any
    ) -> PoolRef:
        """Create a user pool (CreateUserPool members in snake_case, ``triggers`` as Python
        callables); returns ``.id``."""
        return self.core.create_user_pool(name, triggers=triggers, **settings)

    def set_triggers(self, pool_id: str, triggers: Triggers) -> None:
        """Replace a pool's Lambda triggers with ``triggers`` (``Triggers()`` removes them)."""
        self.core.set_triggers(pool_id, triggers)

    def rotate_signing_keys(self, pool_id: str, *, retire_old: bool = False) -> KeyRotation:
        """Give the pool new signing keys; the replaced keys stay published until the next
        rotation unless ``retire_old`` (see :meth:`EmulatorCore.rotate_signing_keys`; over HTTP:
        ``POST /_emulator/pools/{pool_id}/rotate-keys``)."""
        return self.core.rotate_signing_keys(pool_id, retire_old=retire_old)

    def create_user_pool_client(
        self, pool_id: str, name: str = "app", **settings: Any
    ) -> ClientRef:
        """Create an app client (CreateUserPoolClient members in snake_case); returns ``.id``
        and ``.secret`` (with ``generate_secret=True``)."""
        return self.core.create_user_pool_client(pool_id, name, **settings)

    def create_user_pool_domain(
        self, pool_id: str, prefix: str, *, managed_login_version: int = 1
    ) -> str:
        """Give the pool a prefix domain (CreateUserPoolDomain, checked as Cognito checks it)
        and return its base URL (:meth:`domain_url`)."""
        self.core.handle(
            "CreateUserPoolDomain",
            {"UserPoolId": pool_id, "Domain": prefix, "ManagedLoginVersion": managed_login_version},
        )
        return self.domain_url(pool_id)

    def domain_url(self, pool_id: str) -> str:
        """The base URL of the pool's domain on this emulator, ``{endpoint}/domains/{prefix}``:
        its OAuth 2.0 endpoints are ``{base}/oauth2/authorize``, ``{base}/oauth2/token`` …,
        as under ``https://{prefix}.auth.{region}.amazoncognito.com``. ResourceNotFoundException
        when the pool has no domain."""
        pool = self.core.handle("DescribeUserPool", {"UserPoolId": pool_id})["UserPool"]
        prefix = pool.get("Domain")
        if not prefix:
            raise ResourceNotFoundError(f"User pool {pool_id} has no domain.")
        return f"{self.endpoint}/domains/{prefix}"

    def handle(self, operation: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Run one operation directly, without HTTP (see :meth:`EmulatorCore.handle`)."""
        return self.core.handle(operation, body)

    def __repr__(self) -> str:
        state = self.endpoint if self._runner is not None else "stopped"
        return f"<Emulator {state}>"


@contextlib.contextmanager
def threaded_emulator(**kwargs: Any) -> Iterator[Emulator]:
    """Run an :class:`Emulator` on its own event loop in a daemon thread.

    For synchronous callers (boto3, pytest without asyncio)::

        with threaded_emulator() as emu:
            boto3.client("cognito-idp", endpoint_url=emu.endpoint, ...)

    ``kwargs`` go to :class:`Emulator`."""
    emulator = Emulator(**kwargs)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(emulator.start())
        except BaseException as exc:
            failure.append(exc)
            started.set()
            return
        started.set()
        loop.run_forever()
        loop.run_until_complete(emulator.close())
        loop.close()

    thread = threading.Thread(target=run, name="authflow-emulator-loop", daemon=True)
    thread.start()
    started.wait()
    if failure:
        raise failure[0]
    try:
        yield emulator
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)

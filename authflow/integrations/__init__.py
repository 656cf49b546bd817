"""Framework integrations on top of :mod:`authflow.verify` and :class:`authflow.AuthClient`.

* :mod:`authflow.integrations.aiohttp` — ``bearer_auth`` middleware and ``@require_token`` for
  aiohttp.web servers;
* :mod:`authflow.integrations.aiohttp_client` — ``BearerAuth``, an aiohttp client middleware that
  calls APIs with a signed-in user's access token;
* :mod:`authflow.integrations.fastapi` — ``CognitoBearer``, a FastAPI/Starlette dependency;
* :mod:`authflow.integrations.bearer` — the framework-free RFC 6750 parts they share.

Nothing is imported here, so FastAPI is only needed by the module that uses it.
"""

__all__: list[str] = []

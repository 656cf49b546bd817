"""Protecting FastAPI (or Starlette) routes with Cognito access tokens: a dependency.

>>> verifier = TokenVerifier(POOL_ID, client_ids=[CLIENT_ID], token_use="access")
>>> read_orders = CognitoBearer(verifier, scopes=["orders/read"])
>>> @app.get("/orders")
... async def orders(claims: TokenClaims = Depends(read_orders)) -> dict[str, str]:
...     return {"user": claims.username}

The dependency answers exactly like the aiohttp middleware (RFC 6750; see
:mod:`authflow.integrations.bearer`) by raising :class:`fastapi.HTTPException` with the status,
``WWW-Authenticate`` and a ``detail`` of ``{"error", "error_description"}``. It is a FastAPI
security scheme, so OpenAPI documents the route as needing an HTTP bearer JWT. Needs the
``fastapi`` extra.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import HTTPException
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security.base import SecurityBase
from starlette.requests import HTTPConnection

from authflow.integrations.bearer import (
    BearerRefusal,
    TokenRequirement,
    bearer_token,
    refusal_for,
)
from authflow.protocol.errors import ValidationError
from authflow.verify.claims import TokenClaims
from authflow.verify.errors import InvalidTokenError
from authflow.verify.verifier import TokenVerifier

__all__ = ["CognitoBearer"]


class CognitoBearer(SecurityBase):
    """A dependency returning the verified :class:`~authflow.verify.TokenClaims` of the
    request's bearer token, which must have every scope in ``scopes`` and, if given, be in one
    of ``groups`` (on top of the verifier's own requirements). ``realm`` is echoed in
    ``WWW-Authenticate``."""

    def __init__(
        self,
        verifier: TokenVerifier,
        *,
        scopes: Iterable[str] = (),
        groups: Iterable[str] = (),
        realm: str | None = None,
        scheme_name: str | None = None,
        description: str | None = None,
    ) -> None:
        if not isinstance(verifier, TokenVerifier):
            raise ValidationError("verifier must be a TokenVerifier", field="verifier")
        self.verifier = verifier
        self.requirement = TokenRequirement.of(scopes=scopes, groups=groups)
        self.realm = realm
        self.model = HTTPBearerModel(bearerFormat="JWT", description=description)
        self.scheme_name = scheme_name or type(self).__name__

    def __repr__(self) -> str:
        return f"CognitoBearer({self.verifier!r}, {self.requirement!r})"

    async def __call__(self, request: HTTPConnection) -> TokenClaims:
        """Verify the request's token; raise :class:`HTTPException` when it is refused."""
        token = bearer_token(request.headers.getlist("authorization"))
        if isinstance(token, BearerRefusal):
            raise self._exception(token)
        try:
            claims = await self.verifier.verify(token)
            claims.require(scopes=self.requirement.scopes, groups=self.requirement.groups)
        except InvalidTokenError as exc:
            raise self._exception(refusal_for(exc)) from None
        return claims

    def _exception(self, refusal: BearerRefusal) -> HTTPException:
        return HTTPException(
            status_code=refusal.status, detail=refusal.body(), headers=refusal.headers(self.realm)
        )

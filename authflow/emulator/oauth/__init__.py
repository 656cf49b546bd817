"""The OAuth 2.0 / OpenID Connect side of the emulator: what a pool's domain serves.

* :mod:`.endpoints` — :class:`~authflow.emulator.oauth.endpoints.OAuthEndpoints`, the logic of
  every endpoint (authorize, login, error, token, userInfo, revoke, logout, discovery);
* :mod:`.authorize` — the authorize request and its refusals; :mod:`.scopes` — which scopes are
  granted; :mod:`.login` — the managed login's sign-in over the emulator's sign-in handlers;
  :mod:`.pages` — its HTML;
* :mod:`.authorization_codes`, :mod:`.client_auth`, :mod:`.grants` — the token endpoint;
  :mod:`.userinfo`, :mod:`.discovery`;
* :mod:`.parameters`, :mod:`.http_messages` — request parameters, and requests and answers as
  plain data (the web layer, :mod:`authflow.emulator.oauth_routes`, speaks HTTP).

The provisioning operations (domains, resource servers, client OAuth settings) are in
:mod:`authflow.emulator.ops`. docs/emulator-oauth.md describes the endpoints, their strictness
and the routing.
"""

__all__: list[str] = []

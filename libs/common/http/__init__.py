"""The HTTP edge every service shares, installed by `libs.common.service.build_app`.

- `errors`: one error body {error, message, detail} for every refusal, Chinese messages
  naming the field, 503 for an outage and a catch-all 500 carrying the request id;
- `bodylimit`: refuses oversized bodies, declared or chunked, before a route reads them;
- `access`: who may call which route: every route needs an operator's credentials
  unless it declares another access (public, signed, volunteer) with `access(...)`;
- `client`: the client's address behind a configured number of trusted proxies;
- `openapi`: the security of every operation, as the guard enforces it.
"""

"""OpenAPI extras: bodies a route reads raw (the signed webhook) still get their schema."""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel


def add_schemas(app: FastAPI, *models: type[BaseModel]) -> None:
    """Put `models` (and the models they use) under components/schemas of the document."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = generate()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for model in models:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in schema.pop("$defs", {}).items():
                schemas.setdefault(name, definition)
            schemas.setdefault(model.__name__, schema)
        return document

    app.openapi = openapi  # type: ignore[method-assign]

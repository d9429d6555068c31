"""Intake's refusals: the shared error body (libs.common.http.errors), counted by channel,
and the platform webhook's own refusals."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from libs.common.http.errors import error_response, install_error_handlers
from services.intake import metrics
from services.intake.metrics import ChannelLabel
from services.intake.webhook import WebhookRefused


def channel_of(path: str) -> ChannelLabel:
    """The channel a request came in on, for metrics of refused requests (no body read)."""
    if path.startswith("/api/v1/platforms/"):
        return "platform"
    if path.startswith("/api/v1/volunteers/") and path.endswith("/reports"):
        return "volunteer"
    if path == "/api/v1/reports":
        return "web"
    return "unknown"


def count_refused_too_large(path: str) -> None:
    metrics.received(channel_of(path), None, "rejected_too_large")


def install_intake_errors(app: FastAPI) -> None:
    def invalid(request: Request) -> None:
        if request.method == "POST":
            metrics.received(channel_of(request.url.path), None, "rejected_invalid")

    install_error_handlers(app, on_invalid=invalid)

    @app.exception_handler(WebhookRefused)
    async def on_refused(request: Request, exc: WebhookRefused) -> JSONResponse:
        return error_response(exc.status, exc.error, exc.message, headers=exc.headers)

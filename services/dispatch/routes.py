"""Dispatch's operator API: look at a case and the department directory."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from services.dispatch.directory import Directory
from services.dispatch.store import DispatchStore


def operator_router(store: DispatchStore, directory: Directory) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["operators 值班员"])

    @router.get("/cases/{case_id}", summary="案件详情")
    async def get_case(case_id: str) -> dict[str, Any]:
        case = await store.get(case_id)
        if case is None:
            raise HTTPException(404, detail="no such case")
        case.pop("reports", None)  # reporter pseudonyms stay with dispatch
        return case

    @router.get("/departments", summary="承办部门名录")
    async def departments() -> list[dict[str, str]]:
        return [d.ref().model_dump() for d in directory.all_departments()]

    return router

"""Volunteers at the edge: register one, read their standing, rank them all.

Counts come from the reports themselves (ReportStore.volunteer_counts); the rules for
points, trust and ranking are in volunteers.py.
"""
from __future__ import annotations

import secrets
from typing import Any

from services.intake import metrics
from services.intake.context import IntakeContext
from services.intake.sealed import VOLUNTEER
from services.intake.store import token_hash
from services.intake.volunteers import (
    Counts,
    VolunteerIn,
    VolunteerRegistered,
    VolunteerStats,
    format_volunteer_id,
    mask_name,
    ranking,
    stats_for,
)


async def register(ctx: IntakeContext, body: VolunteerIn) -> VolunteerRegistered:
    sequence = await ctx.store.allocate("volunteer")
    volunteer_id = format_volunteer_id(ctx.settings.tracking_prefix, sequence)
    token = secrets.token_urlsafe(24)
    contact = body.contact.model_dump(exclude_none=True)
    await ctx.store.volunteers.create(doc={
        "_id": volunteer_id,
        "display_name": mask_name(body.name),
        "region": body.region,
        "sealed": ctx.privacy.seal({"name": body.name, **contact}, purpose=VOLUNTEER, doc_id=volunteer_id),
        "reporter_pid": ctx.privacy.pseudonym(body.contact.identity() or volunteer_id),
        "token_sha256": token_hash(token),
        "active": True,
        "registered_at": ctx.clock.now(),
    })
    metrics.VOLUNTEER_REGISTRATIONS.inc()
    return VolunteerRegistered(volunteer_id=volunteer_id, volunteer_token=token,
                               reports_url=f"{ctx.settings.public_base_url}/api/v1/volunteers/{volunteer_id}/reports")


async def standing(ctx: IntakeContext, volunteer: dict[str, Any]) -> VolunteerStats:
    counts = (await ctx.store.volunteer_counts(volunteer["_id"])).get(volunteer["_id"], Counts())
    return stats_for(volunteer["_id"], counts, ctx.trust, ctx.scoring,
                     volunteer.get("display_name", ""), volunteer.get("region", ""))


async def is_trusted_now(ctx: IntakeContext, volunteer_id: str) -> bool:
    counts = (await ctx.store.volunteer_counts(volunteer_id)).get(volunteer_id, Counts())
    return stats_for(volunteer_id, counts, ctx.trust, ctx.scoring).trusted


async def ranked(ctx: IntakeContext, limit: int) -> list[VolunteerStats]:
    counts = await ctx.store.volunteer_counts()
    volunteers = await ctx.store.volunteers.all()
    stats = [stats_for(v["_id"], counts.get(v["_id"], Counts()), ctx.trust, ctx.scoring,
                       v.get("display_name", ""), v.get("region", "")) for v in volunteers]
    return ranking(stats)[:limit]

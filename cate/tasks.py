"""CATE's scheduled jobs (issue 24): thin Celery tasks calling services as the system user. Each
is idempotent: run twice, or on two workers at once, it does its work once."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="cate.tasks.record_caseload_breaches", acks_late=True)
def record_caseload_breaches() -> dict:
    """Bring the caseload breach history in line with the weighted caseloads now."""
    from .services import caseload_breaches_refresh

    run = caseload_breaches_refresh()
    return {"opened": len(run.opened), "raised": len(run.raised), "ended": len(run.ended)}


@shared_task(name="cate.tasks.draw_audit_samples", acks_late=True)
def draw_audit_samples() -> int:
    """Last month's audit samples, once (Rec 23)."""
    from .services.oversight import audit_samples_draw

    return len(audit_samples_draw())


@shared_task(name="cate.tasks.gp_letters_for_changed_practices", acks_late=True)
def gp_letters_for_changed_practices() -> int:
    """The GP letter to the new practice of a child whose practice changed while their case is open."""
    from .services import gp_letters_for_changed_practices as make

    return len(make())

"""Casework recorded on a case: visits, risk assessments, missing episodes and return home
interviews, the NRM referral, GP letters, support referrals, disclosures and the transition meeting."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from contacts.choices import ExploitationFactor, FactorLevel
from core import contract
from core.audit import export_contents
from core.choices import AccessAction
from core.forms import for_a_new_record
from core.letterhead import letterhead
from core.pages import log, paginate, submit
from core.pdf import pdf_response, render_pdf
from core.reauth import fresh_sign_in_required
from core.selectors import service_settings

from .. import forms, rules, selectors, services
from ..choices import GpLetterTrigger, SupportService
from ._base import case_form, case_view, closed_unless, works

# --- Visits --------------------------------------------------------------------------------


@require_GET
@case_view()
def visit_list(request, case, perms):
    return render(
        request,
        "cate/visit_list.html",
        {"case": case, "perms": perms, "page": paginate(request, selectors.visits_of(case))},
    )


@case_view(live=True, allow=works)
def visit_add(request, case, perms):
    form = for_a_new_record(forms.VisitForm(request.POST or None))
    response = submit(
        request,
        form,
        services.visit_record,
        case=case,
        success=case.get_absolute_url() + "#visits",
        message="Visit recorded",
    )
    if response:
        return response
    # What other apps say staff must know before visiting (a person linked to the child who is a
    # danger to staff: the network's staff-safety marker), through the app contract.
    warnings = contract.warnings("visit_warnings", case, user=request.user)
    return case_form(request, case, perms, "cate/visit_form.html", form, warnings=warnings)


@case_view(live=True, allow=works)
def visit_edit(request, case, perms, item: int):
    visit = selectors.visit_get_on_case(case, item)
    initial = {
        "version": visit.version,
        "visited_at": visit.visited_at,
        "kind": visit.kind,
        "location": visit.location,
        "seen_alone": forms.yes_no_initial(visit.seen_alone) or "",
        "notes": visit.notes,
    }
    form = forms.VisitForm(request.POST or None, initial=initial)
    response = submit(
        request,
        form,
        services.visit_update,
        visit=visit,
        success=reverse("cate:visit_list", args=[case.pk]),
        message="Visit saved",
    )
    return response or case_form(request, case, perms, "cate/visit_form.html", form, visit=visit)


# --- Risk assessments ----------------------------------------------------------------------


def _assessment_values(form) -> dict:
    data = form.cleaned_data
    return {
        "assessed_at": data["assessed_at"],
        "factors": form.factors(),
        "overall_level": data["overall_level"],
        "summary": data["summary"],
        "young_person_views": data["young_person_views"],
        "family_views": data["family_views"],
    }


@case_view(live=True, allow=works)
def risk_assessment_add(request, case, perms):
    initial = {}
    latest = selectors.risk_assessment_latest(case)
    if latest is not None:  # a review starts from the last assessment
        initial = forms.RiskAssessmentForm.initial_from(latest)
        initial.pop("version")
    initial["assessed_at"] = None
    form = for_a_new_record(forms.RiskAssessmentForm(request.POST or None, initial=initial))
    response = submit(
        request,
        form,
        services.risk_assessment_record,
        case=case,
        args=lambda data: _assessment_values(form),
        success=lambda assessment: reverse("cate:risk_assessment_detail", args=[case.pk, assessment.pk]),
        message="Risk assessment recorded",
    )
    return response or case_form(request, case, perms, "cate/risk_assessment_form.html", form, reviewing_from=latest)


@require_GET
@case_view()
def risk_assessment_detail(request, case, perms, item: int):
    assessment = selectors.risk_assessment_get_on_case(case, item)
    factors = [(factor, assessment.factors.get(factor.value, {})) for factor in ExploitationFactor]
    return render(
        request,
        "cate/risk_assessment_detail.html",
        {
            "case": case,
            "perms": perms,
            "assessment": assessment,
            "factors": factors,
            "revisions": selectors.risk_assessment_revisions(assessment),
            "factor_levels": dict(FactorLevel.choices),
        },
    )


@case_view(live=True, allow=works)
def risk_assessment_revise(request, case, perms, item: int):
    assessment = selectors.risk_assessment_get_on_case(case, item)
    form = forms.RiskAssessmentForm(
        request.POST or None, initial=forms.RiskAssessmentForm.initial_from(assessment), revising=True
    )
    response = submit(
        request,
        form,
        services.risk_assessment_revise,
        assessment=assessment,
        args=lambda data: {"reason": data["reason"], **_assessment_values(form)},
        success=reverse("cate:risk_assessment_detail", args=[case.pk, assessment.pk]),
        message="Risk assessment revised",
    )
    return response or case_form(request, case, perms, "cate/risk_assessment_form.html", form, assessment=assessment)


# --- Missing episodes and return home interviews -------------------------------------------


@require_GET
@case_view()
def missing_episode_list(request, case, perms):
    page = paginate(request, selectors.missing_episodes_of(case))
    rows = selectors.episode_rows(page.object_list, now=timezone.now(), settings=service_settings())
    return render(request, "cate/missing_episode_list.html", {"case": case, "perms": perms, "page": page, "rows": rows})


@case_view(live=True, allow=works)
def missing_episode_add(request, case, perms):
    form = for_a_new_record(forms.MissingEpisodeForm(request.POST or None, initial={"rhi_eligible": "yes"}))
    response = submit(
        request,
        form,
        services.missing_episode_record,
        case=case,
        success=lambda episode: reverse("cate:missing_episode_detail", args=[case.pk, episode.pk]),
        message="Missing episode recorded",
    )
    return response or case_form(request, case, perms, "cate/missing_episode_form.html", form)


@require_GET
@case_view()
def missing_episode_detail(request, case, perms, item: int):
    episode = selectors.missing_episode_get_on_case(case, item)
    row = selectors.episode_rows([episode], now=timezone.now(), settings=service_settings())[0]
    return render(request, "cate/missing_episode_detail.html", {"case": case, "perms": perms, "row": row})


@case_view(live=True, allow=works)
def missing_episode_edit(request, case, perms, item: int):
    episode = selectors.missing_episode_get_on_case(case, item)
    initial = {
        "version": episode.version,
        "missing_from": episode.missing_from,
        "returned_at": episode.returned_at,
        "reported_by": episode.reported_by,
        "police_reference": episode.police_reference,
        "where_found": episode.where_found,
        "rhi_eligible": forms.yes_no_initial(episode.rhi_eligible),
        "rhi_ineligible_reason": episode.rhi_ineligible_reason,
    }
    form = forms.MissingEpisodeForm(request.POST or None, initial=initial)
    response = submit(
        request,
        form,
        services.missing_episode_update,
        episode=episode,
        success=reverse("cate:missing_episode_detail", args=[case.pk, episode.pk]),
        message="Missing episode saved",
    )
    return response or case_form(request, case, perms, "cate/missing_episode_form.html", form, episode=episode)


@case_view(live=True, allow=works)
def rhi_edit(request, case, perms, item: int):
    episode = selectors.missing_episode_get_on_case(case, item)
    interview = getattr(episode, "interview", None)
    initial = {"version": 0}  # not yet recorded: a save finding one recorded since is refused
    if interview is not None:
        initial = {
            "version": interview.version,
            "status": interview.status,
            "offered_at": interview.offered_at,
            "completed_at": interview.completed_at,
            "declined_at": interview.declined_at,
            "conducted_by": interview.conducted_by_id,
            "conducted_by_other": interview.conducted_by_other,
            "child_said": interview.child_said,
            "support_identified": interview.support_identified,
            "late_reason": interview.late_reason,
            "late_reason_detail": interview.late_reason_detail,
        }
    form = forms.ReturnHomeInterviewForm(request.POST or None, initial=initial, staff=selectors.case_holder_choices())
    response = submit(
        request,
        form,
        services.rhi_record,
        episode=episode,
        success=reverse("cate:missing_episode_detail", args=[case.pk, episode.pk]),
        message="Return home interview saved",
    )
    row = selectors.episode_rows([episode], now=timezone.now(), settings=service_settings())[0]
    return response or case_form(request, case, perms, "cate/rhi_form.html", form, row=row)


# --- NRM referral and GP letters -----------------------------------------------------------


@case_view(allow=works)
def nrm_edit(request, case, perms, item: int):
    nrm = selectors.nrm_referral_get_on_case(case, item)
    # The decisions on a referral made still come after the case closed.
    if refused := closed_unless(request, case, allowed=nrm.referred_on is not None):
        return refused
    initial = {
        "version": nrm.version,
        "referred_on": nrm.referred_on,
        "reasonable_grounds": nrm.reasonable_grounds,
        "reasonable_grounds_on": nrm.reasonable_grounds_on,
        "conclusive_grounds": nrm.conclusive_grounds,
        "conclusive_grounds_on": nrm.conclusive_grounds_on,
    }
    form = forms.NrmReferralForm(request.POST or None, initial=initial)
    response = submit(
        request,
        form,
        services.nrm_referral_update,
        referral=nrm,
        success=case.get_absolute_url() + "#nrm",
        message="NRM referral saved",
    )
    state = service_settings().classify(
        "nrm_referral", nrm.due_at, now=timezone.now(), met_at=selectors.date_met(nrm.referred_on)
    )
    return response or case_form(request, case, perms, "cate/nrm_form.html", form, nrm=nrm, state=state)


def _letter_page(request, case, perms, letter, form):
    state = service_settings().classify(
        "gp_letter", letter.due_at, now=timezone.now(), met_at=selectors.date_met(letter.sent_on)
    )
    can_mark_sent = (
        perms.can_work and not letter.sent_on and (case.is_live or letter.trigger == GpLetterTrigger.CLOSURE)
    )
    return render(
        request,
        "cate/gp_letter_detail.html",
        {
            "case": case,
            "perms": perms,
            "letter": letter,
            "letterhead": letterhead(),
            "state": state,
            "form": form,
            "can_mark_sent": can_mark_sent,
        },
    )


@require_GET
@case_view(log=False, allow=works)  # logged below as printed / exported
def gp_letter_detail(request, case, perms, item: int):
    letter = selectors.gp_letter_get_on_case(case, item)
    log(request, case, action=AccessAction.PRINT)
    form = forms.GpLetterSentForm(initial={"version": letter.version, "sent_on": timezone.localdate()})
    return _letter_page(request, case, perms, letter, form)


@require_GET
@case_view(log=False, allow=works)  # logged below as printed / exported
@fresh_sign_in_required
def gp_letter_pdf(request, case, perms, item: int):
    letter = selectors.gp_letter_get_on_case(case, item)
    contents = export_contents(
        "gp_letter_pdf",
        f"PDF of GP letter {letter.pk} on case {case.reference} (child {case.child_id})",
        case=case.pk,
        letter=letter.pk,
        children=[case.child_id],
    )
    log(request, case, action=AccessAction.EXPORT, contents=contents)
    context = {"case": case, "letter": letter, "letterhead": letterhead()}
    content = render_pdf("cate/gp_letter_pdf.html", context, request=request)
    return pdf_response(content, f"gp-letter-{case.reference}-{letter.pk}.pdf")


@case_view(live=True, allow=works)
def gp_letter_closure(request, case, perms):
    form = forms.ClosureLetterForm(request.POST if request.method == "POST" else None)  # bound when empty too
    response = submit(
        request,
        form,
        services.gp_letter_closure_write,
        case=case,
        success=lambda letter: reverse("cate:gp_letter_detail", args=[case.pk, letter.pk]),
        message="Closure letter written: send it to the GP practice, then record it as sent",
    )
    return response or case_form(request, case, perms, "cate/gp_letter_closure.html", form)


@case_view(allow=works)
def gp_letter_sent(request, case, perms, item: int):
    letter = selectors.gp_letter_get_on_case(case, item)
    # The letter telling the GP of the closure may go after the case closed.
    if refused := closed_unless(request, case, allowed=letter.trigger == GpLetterTrigger.CLOSURE):
        return refused
    form = forms.GpLetterSentForm(request.POST or None, initial={"version": letter.version})
    response = submit(
        request,
        form,
        services.gp_letter_mark_sent,
        letter=letter,
        success=case.get_absolute_url() + "#gp-letters",
        message="GP letter recorded as sent",
    )
    if response:
        return response
    if request.method == "GET":
        return redirect("cate:gp_letter_detail", case.pk, letter.pk)
    return _letter_page(request, case, perms, letter, form)


# --- Support, disclosures and the transition meeting ---------------------------------------


def _support_values(data) -> dict:
    keys = (
        "service_other",
        "referred_on",
        "status",
        "first_appointment_on",
        "outcome",
        "follow_up_on",
        "sessions_offered",
        "sessions_attended",
    )
    return {key: data[key] for key in keys}


@case_view(live=True, allow=works)
def support_referral_add(request, case, perms):
    service = request.GET.get("service", "")
    initial = {"referred_on": timezone.localdate(), "service": service if service in SupportService.values else ""}
    form = for_a_new_record(forms.SupportReferralForm(request.POST or None, initial=initial))
    response = submit(
        request,
        form,
        services.support_referral_create,
        case=case,
        success=case.get_absolute_url() + "#support",
        message="Support referral recorded",
    )
    return response or case_form(request, case, perms, "cate/support_referral_form.html", form)


@case_view(live=True, allow=works)
def support_referral_edit(request, case, perms, item: int):
    referral = selectors.support_referral_get_on_case(case, item)
    initial = {
        "version": referral.version,
        "service": referral.service,
        "service_other": referral.service_other,
        "referred_on": referral.referred_on,
        "status": referral.status,
        "first_appointment_on": referral.first_appointment_on,
        "outcome": referral.outcome,
        "follow_up_on": referral.follow_up_on,
        "sessions_offered": referral.sessions_offered,
        "sessions_attended": referral.sessions_attended,
    }
    form = forms.SupportReferralForm(request.POST or None, initial=initial, editing=True)
    response = submit(
        request,
        form,
        services.support_referral_update,
        referral=referral,
        args=_support_values,
        success=case.get_absolute_url() + "#support",
        message="Support referral saved",
    )
    return response or case_form(request, case, perms, "cate/support_referral_form.html", form, referral=referral)


@case_view(live=True, allow=works)
def disclosure_add(request, case, perms):
    form = forms.DisclosureForm(request.POST or None, initial={"made_to_worker": "yes"})
    response = submit(
        request,
        form,
        services.disclosure_record,
        case=case,
        success=reverse("cate:support_referral_add", args=[case.pk]) + "?service=isva",
        message="Disclosure recorded. Now refer the young person to the ISVA service",
    )
    return response or case_form(request, case, perms, "cate/disclosure_form.html", form)


@case_view(live=True, allow=works)
def transition_meeting_add(request, case, perms):
    form = forms.TransitionMeetingForm(request.POST or None)
    response = submit(
        request,
        form,
        services.transition_meeting_record,
        case=case,
        success=case.get_absolute_url() + "#transition",
        message="Post-17 transition meeting recorded",
    )
    settings = service_settings()
    dob = case.child.date_of_birth
    return response or case_form(
        request,
        case,
        perms,
        "cate/transition_meeting_form.html",
        form,
        months_before=settings["post17_transition_earliest_months"],
        transition_from=rules.transition_meeting_from(date_of_birth=dob, settings=settings) if dob else None,
    )

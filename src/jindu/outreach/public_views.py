"""Public pages of the outreach app (no staff login): the prize quiz under ``/quiz/``.

Two faces over the same services (``quiz.play``, ``quiz.identity``):

- **pages** for phones: plain HTML forms, a small stylesheet and script of our own (no Tabler, no
  framework), Chinese or Tibetan. The participant token rides in an HttpOnly cookie; forms carry
  Django's CSRF token.
- **a JSON API** (``/quiz/api/...``) for app clients (mini-programs) and the load test: the token in
  ``Authorization: Bearer``, bodies in ``application/json`` (which a cross-site form cannot send), so
  no CSRF cookie is involved.

Every view except the clock counts against the ``quiz`` rate limits (per address and per participant):
one over answers 429 with ``Retry-After``. Nothing here is served before the answer key is safe: the
paper lists no key, no explanation and no question ids; the review appears only after submission.
Every URL name here is in the reviewed public list of ``tests/test_deny_by_default.py``.
"""

import datetime
import json
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from jindu.common.middleware import client_ip
from jindu.common.ratelimit import RateLimited

from .quiz import dbrouter, identity, limits, live, play, pow
from .quiz import selectors as quiz_selectors
from .quiz import services as quiz_services
from .quiz.choices import AttemptStatus, QuizStatus
from .quiz.forms import CodeForm, PhoneForm, ProfileForm
from .quiz.models import Participant, Quiz, QuizDraw

# --- Plumbing -----------------------------------------------------------------------------------


def _limited(request, claims, token=None):
    """The quiz rate limits: a request with a participant token counts for that participant (``participant``)
    and against its address's burst ceiling (``ip_signed``); one without counts for its address (``ip``). So a
    class behind one school address is limited pupil by pupil, and anonymous floods by address. For a view
    of one attempt, its cached entry is read in the same Redis round trip
    (``request.quiz_prefetched``, passed on to ``play.owned_entry``)."""
    address = client_ip(request)
    request.quiz_prefetched = limits.check(
        "quiz", fetch=play.entry_key(token) if token and live.redis_client() is not None else None,
        ip=None if claims else address, ip_signed=address if claims else None,
        participant=claims.participant_id if claims else None)


def _too_many(request, limited, api):
    message = _("Too many requests. Please wait a moment and try again.")
    if api:
        response = JsonResponse({"error": "rate_limited", "detail": message, "retry_after": limited.retry_after},
                                status=429)
        response._csp_exempt = True
    else:
        response = TemplateResponse(request, "outreach/public/message.html",
                                    {"title": _("Too many requests"), "message": message}, status=429).render()
    response["Retry-After"] = str(limited.retry_after)
    return response


def hot(view):
    """A view of the participant's hot path (start, the attempt, submit, result): its quiz reads and attempt
    writes run on the quiz's own database role when ``JINDU_QUIZ_DATABASE_URL`` is set (``quiz.dbrouter``)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with dbrouter.hot_path():
            return view(*args, **kwargs)

    return wrapped


def page(view):
    """A public HTML page: no login, rate limited, never cached by shared caches."""

    @login_not_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        claims = identity.claims_from_request(request)
        try:
            _limited(request, claims, kwargs.get("token"))
            response = view(request, claims, *args, **kwargs)
        except RateLimited as limited:
            return _too_many(request, limited, api=False)
        except play.PlayError as error:
            context = {"title": _("Sorry"), "message": error.message, "back": error.extra.get("back")}
            response = TemplateResponse(request, "outreach/public/message.html", context, status=error.status)
        except pow.Required:
            context = {"title": _("Sorry"), "message": _("Your browser could not confirm the request. Please go back "
                                                         "and try again (JavaScript must be on)."),
                       "back": request.META.get("HTTP_REFERER", "") if _is_quiz_url(request) else ""}
            response = TemplateResponse(request, "outreach/public/message.html", context, status=428)
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    return wrapped


def api(view):
    """A public JSON endpoint: no login, no CSRF cookie (bearer token, JSON bodies only), rate limited."""

    @csrf_exempt
    @login_not_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        claims = identity.claims_from_request(request)
        if request.method == "POST" and request.content_type != "application/json":
            refused = JsonResponse({"error": "content_type", "detail": "send application/json"}, status=415)
            refused._csp_exempt = True
            return refused
        try:
            _limited(request, claims, kwargs.get("token"))
            response = view(request, claims, *args, **kwargs)
        except RateLimited as limited:
            return _too_many(request, limited, api=True)
        except play.PlayError as error:
            response = JsonResponse({"error": error.code, "detail": str(error.message), **error.extra},
                                    status=error.status)
        except identity.IdentityError as error:
            response = JsonResponse({"error": "identity", "detail": str(error.message)}, status=error.status)
        except pow.Required as required:
            response = JsonResponse({"error": "pow", "detail": "solve the proof of work (docs/quiz.md)",
                                     "challenge": required.challenge, "bits": pow.bits()}, status=428)
        response.headers.setdefault("Cache-Control", "no-store")
        response._csp_exempt = True  # JSON is never rendered: no policy to build (django-csp's csp_exempt)
        return response

    return wrapped


def _is_quiz_url(request):
    referer = request.META.get("HTTP_REFERER", "")
    return url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}) and "/quiz/" in referer


def _pow_context():
    """A fresh proof-of-work challenge for a form (quiz.js solves it), or nothing when it is off."""
    return {"pow_challenge": pow.issue(), "pow_bits": pow.bits()}


def _json_body(request):
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise play.PlayError("bad_request", _("The request could not be read."), status=400) from None
    if not isinstance(data, dict):
        raise play.PlayError("bad_request", _("The request could not be read."), status=400)
    return data


def _require_participant(claims):
    if claims is None:
        raise play.PlayError("sign_in", _("Please sign in first."), status=401)
    return claims


def _quiz_or_404(code):
    quiz = Quiz.objects.select_related("region", "campaign").filter(code=code).exclude(
        status=QuizStatus.DRAFT).first()
    if quiz is None:
        raise Http404
    return quiz


def _config_or_404(code):
    cfg = play.config(code=code)
    if cfg is None or cfg.status == QuizStatus.DRAFT:
        raise play.PlayError("not_found", _("There is no such quiz."), status=404)
    return cfg


def _next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or default
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith(
            "/quiz/"):
        target = default
    return target


def _participant(claims):
    return Participant.objects.select_related("region", "school__organisation").filter(
        pk=claims.participant_id).first() if claims else None


def _profile_missing(quiz, participant):
    return participant is None or not participant.nickname or (quiz.asks_region and participant.region_id is None) \
        or (quiz.asks_school and participant.school_id is None)


# --- Pages: quizzes -------------------------------------------------------------------------------


@page
def index(request, claims):
    now = timezone.now()
    quizzes = Quiz.objects.filter(status=QuizStatus.PUBLISHED, closes_at__gt=now - datetime.timedelta(days=60)) \
        .order_by("closes_at")[:20]
    rows = [{"quiz": q, "open": q.opens_at <= now < q.closes_at, "upcoming": now < q.opens_at} for q in quizzes]
    return TemplateResponse(request, "outreach/public/index.html", {"rows": rows, "signed_in": claims is not None})


@page
def quiz_page(request, claims, code):
    quiz = _quiz_or_404(code)
    now = timezone.now()
    participant = _participant(claims)
    open_attempt = None
    used = {"today": 0, "total": 0}
    if participant is not None:
        latest = quiz.attempts.filter(participant=participant).order_by("-total_slot").first()
        if latest is not None:
            used["total"] = latest.total_slot
            used["today"] = latest.day_slot if latest.day == timezone.localdate(now) else 0
            if latest.status == AttemptStatus.OPEN and latest.deadline > now:
                open_attempt = latest
    draw = QuizDraw.objects.filter(quiz=quiz).first()
    context = {
        "quiz": quiz, "open": quiz.is_open(now), "upcoming": now < quiz.opens_at, "closed": now >= quiz.closes_at,
        "question_count": quiz.question_count, "minutes": (quiz.time_limit_seconds + 59) // 60,
        "prizes": quiz.prizes.all(), "participant": participant, "open_attempt": open_attempt,
        "left_today": max(0, min(quiz.attempts_per_day - used["today"], quiz.attempts_total - used["total"])),
        "left_total": max(0, quiz.attempts_total - used["total"]),
        "profile_missing": participant is not None and _profile_missing(quiz, participant),
        "draw": draw, **_pow_context(),
    }
    return TemplateResponse(request, "outreach/public/quiz.html", context)


@page
@require_http_methods(["POST"])
@hot
def start(request, claims, code):
    quiz = _quiz_or_404(code)
    if claims is None:
        return HttpResponseRedirect(reverse("quiz:login") + "?next=" + reverse("quiz:quiz", args=[code]))
    participant = _participant(claims)
    if participant is None:
        return HttpResponseRedirect(reverse("quiz:login") + "?next=" + reverse("quiz:quiz", args=[code]))
    if _profile_missing(quiz, participant):
        return HttpResponseRedirect(reverse("quiz:profile") + "?next=" + reverse("quiz:quiz", args=[code]))
    cfg = _config_or_404(code)
    pow.check(request.POST)
    entry, _resumed = play.start(cfg, claims, language=get_language())
    return HttpResponseRedirect(reverse("quiz:attempt", args=[entry["t"]]))


@page
@require_http_methods(["GET", "POST"])
@hot
def attempt(request, claims, token):
    entry = play.owned_entry(token, claims, request.quiz_prefetched)
    cfg = play.config(quiz_id=entry["q"])
    if entry["st"] != AttemptStatus.OPEN:
        return HttpResponseRedirect(reverse("quiz:result", args=[token]))
    if request.method == "POST":
        count = len(entry["paper"])
        raw = {str(n): request.POST.getlist(f"q{n}") for n in range(count)}
        play.submit(cfg, entry, raw)
        return HttpResponseRedirect(reverse("quiz:result", args=[token]))
    paper = play.public_paper(cfg, entry)
    quiz = Quiz.objects.only("title", "title_bo", "code").get(pk=entry["q"])
    return TemplateResponse(request, "outreach/public/attempt.html",
                            {"paper": paper, "quiz": quiz, "deadline": int(entry["d"]), "token": token})


@page
@hot
def result(request, claims, token):
    entry = play.owned_entry(token, claims)
    outcome = play.stored_result(token)
    if outcome is None:
        return HttpResponseRedirect(reverse("quiz:attempt", args=[token]))
    cfg = play.config(quiz_id=entry["q"])
    quiz = Quiz.objects.select_related("region").get(pk=entry["q"])
    prizes = play.prizes_for(cfg, outcome, entry["r"])
    review = play.review(cfg, entry, outcome) if outcome.status == AttemptStatus.SUBMITTED else []
    wins = quiz_selectors.participant_overview(_participant(claims))["wins"].filter(draw__quiz=quiz)
    return TemplateResponse(request, "outreach/public/result.html", {
        "quiz": quiz, "result": outcome, "review": review, "prizes": prizes, "wins": wins,
        "letters": "ABCDEF"})


@page
def draw_page(request, claims, code):
    quiz = _quiz_or_404(code)
    record = QuizDraw.objects.filter(quiz=quiz).first()
    if record is None:
        raise Http404
    data = quiz_services.draw_record(record)
    mine = None
    if claims is not None:
        participant = _participant(claims)
        mine = participant.code if participant else None
    return TemplateResponse(request, "outreach/public/draw.html", {"quiz": quiz, "record": record, "data": data,
                                                                    "mine": mine})


@page
def draw_json(request, claims, code):
    quiz = _quiz_or_404(code)
    record = get_object_or_404(QuizDraw, quiz=quiz)
    response = HttpResponse(json.dumps(quiz_services.draw_record(record), ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{quiz.code}.json"'
    return response


# --- Pages: signing in and the profile ----------------------------------------------------------


@page
@require_http_methods(["GET", "POST"])
def login(request, claims):
    next_url = _next(request, reverse("quiz:index"))
    form = PhoneForm(request.POST or None)
    code_form = None
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            pow.check(request.POST)
            identity.send_code(phone, ip=client_ip(request))
        except RateLimited as limited:
            form.add_error(None, _("Too many codes for this number or address. Try again in {minutes} minute(s).")
                           .format(minutes=max(1, limited.retry_after // 60)))
        except identity.IdentityError as error:
            form.add_error(None, error.message)
        except pow.Required:
            form.add_error(None, _("Your browser could not confirm the request. Please try again (JavaScript must "
                                   "be on)."))
        else:
            code_form = CodeForm(initial={"phone": phone})
    context = {"form": form, "code_form": code_form, "next": next_url,
               "wechat": identity.wechat_adapter() is not None, **_pow_context()}
    return TemplateResponse(request, "outreach/public/login.html", context)


@page
@require_http_methods(["POST"])
def verify(request, claims):
    next_url = _next(request, reverse("quiz:index"))
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            participant = identity.verify_code(form.cleaned_data["phone"], form.cleaned_data["code"])
        except identity.IdentityError as error:
            form.add_error("code", error.message)
        else:
            return _signed_in(participant, next_url)
    return TemplateResponse(request, "outreach/public/login.html",
                            {"form": PhoneForm(initial={"phone": request.POST.get("phone", "")}), "code_form": form,
                             "next": next_url, "wechat": identity.wechat_adapter() is not None, **_pow_context()},
                            status=400)


def _signed_in(participant, next_url):
    target = next_url if participant.nickname else reverse("quiz:profile") + "?next=" + next_url
    return identity.set_cookie(HttpResponseRedirect(target), identity.issue_token(participant))


@page
def wechat_login(request, claims):
    adapter = identity.wechat_adapter()
    if adapter is None:
        raise Http404
    import secrets

    state = secrets.token_urlsafe(16)
    callback = request.build_absolute_uri(reverse("quiz:wechat_callback"))
    response = HttpResponseRedirect(adapter.authorize_url(request, state, callback))
    response.set_cookie("jindu_quiz_state", f"{state}|{_next(request, reverse('quiz:index'))}", max_age=600,
                        httponly=True, samesite="Lax")
    return response


@page
def wechat_callback(request, claims):
    adapter = identity.wechat_adapter()
    if adapter is None:
        raise Http404
    from django.utils.crypto import constant_time_compare

    state, _sep, next_url = request.COOKIES.get("jindu_quiz_state", "").partition("|")
    if not state or not constant_time_compare(state, request.GET.get("state", "")):
        raise play.PlayError("state", _("The login link has expired. Please try again."), status=400)
    try:
        participant = identity.participant_for_wechat(adapter, adapter.identify(request))
    except identity.IdentityError as error:
        raise play.PlayError("identity", error.message, status=error.status) from None
    if not next_url.startswith("/quiz/"):
        next_url = reverse("quiz:index")
    response = _signed_in(participant, next_url)
    response.delete_cookie("jindu_quiz_state")
    return response


@page
@require_http_methods(["POST"])
def logout(request, claims):
    response = HttpResponseRedirect(reverse("quiz:index"))
    response.delete_cookie(identity.COOKIE)
    return response


@page
@require_http_methods(["GET", "POST"])
def profile(request, claims):
    participant = _participant(claims)
    if participant is None:
        return HttpResponseRedirect(reverse("quiz:login") + "?next=" + reverse("quiz:profile"))
    next_url = _next(request, reverse("quiz:me"))
    data = request.POST if request.method == "POST" else None
    if data is not None and "refresh" in data:  # a county was chosen: show its schools, keep what was typed
        form = ProfileForm(None, participant=participant, region_hint=data.get("region"))
        form.initial.update(nickname=data.get("nickname", ""), school_name=data.get("school_name", ""),
                            under_14=bool(data.get("under_14")), guardian_consent=bool(data.get("guardian_consent")))
        data = None
    else:
        form = ProfileForm(data, participant=participant, region_hint=request.GET.get("region"))
    if data is not None and form.is_valid():
        try:
            participant = quiz_services.participant_update_profile(participant=participant, **form.profile())
        except ValidationError as error:
            from jindu.common.views import add_validation_errors

            add_validation_errors(form, error)
        else:
            return identity.set_cookie(HttpResponseRedirect(next_url), identity.issue_token(participant))
    return TemplateResponse(request, "outreach/public/profile.html", {"form": form, "next": next_url})


@page
def me(request, claims):
    participant = _participant(claims)
    if participant is None:
        return HttpResponseRedirect(reverse("quiz:login") + "?next=" + reverse("quiz:me"))
    return TemplateResponse(request, "outreach/public/me.html",
                            {"participant": participant, **quiz_selectors.participant_overview(participant)})


# --- JSON API -------------------------------------------------------------------------------------


@csrf_exempt
@login_not_required
def api_time(request):
    """The server's clock (clients show the time left from it). No database, no rate limit: the cheapest
    request of the stack, and the ceiling the load test compares the quiz with."""
    response = JsonResponse({"now": timezone.now().isoformat()})
    response._csp_exempt = True  # as every quiz JSON response
    return response


@api
@require_http_methods(["POST"])
def api_sms(request, claims):
    data = _json_body(request)
    try:
        phone = identity.normalise_phone(data.get("phone"))
    except ValidationError as error:
        return JsonResponse({"error": "phone", "detail": " ".join(error.messages)}, status=422)
    pow.check(data)
    identity.send_code(phone, ip=client_ip(request))
    return JsonResponse({"sent": True, "expires_in": identity.CODE_SECONDS}, status=202)


@api
@require_http_methods(["POST"])
def api_verify(request, claims):
    data = _json_body(request)
    try:
        phone = identity.normalise_phone(data.get("phone"))
    except ValidationError as error:
        return JsonResponse({"error": "phone", "detail": " ".join(error.messages)}, status=422)
    participant = identity.verify_code(phone, data.get("code"))
    return JsonResponse({"token": identity.issue_token(participant), "participant": participant.code,
                         "profile_complete": bool(participant.nickname)})


@api
@require_http_methods(["GET", "POST"])
def api_profile(request, claims):
    participant = _participant(_require_participant(claims))
    if participant is None:
        raise play.PlayError("sign_in", _("Please sign in first."), status=401)
    if request.method == "POST":
        form = ProfileForm(_json_body(request), participant=participant)
        if not form.is_valid():
            return JsonResponse({"error": "invalid", "fields": form.errors.get_json_data()}, status=422)
        try:
            participant = quiz_services.participant_update_profile(participant=participant, **form.profile())
        except ValidationError as error:
            return JsonResponse({"error": "invalid", "detail": " ".join(error.messages)}, status=422)
    return JsonResponse({"token": identity.issue_token(participant), "participant": participant.code,
                         "nickname": participant.nickname, "under_14": participant.under_14,
                         "region": participant.region.code if participant.region_id else None,
                         "school": participant.school_id, "school_name": participant.school_name})


@api
@require_http_methods(["GET"])
def api_quiz(request, claims, code):
    quiz = _quiz_or_404(code)
    now = timezone.now()
    return JsonResponse({
        "quiz": quiz.code, "title": quiz.localized_title, "description": quiz.localized_description,
        "opens_at": quiz.opens_at.isoformat(), "closes_at": quiz.closes_at.isoformat(), "open": quiz.is_open(now),
        "questions": quiz.question_count, "time_limit_seconds": quiz.time_limit_seconds,
        "attempts_per_day": quiz.attempts_per_day, "attempts_total": quiz.attempts_total,
        "pass_mark": quiz.pass_mark, "asks_region": quiz.asks_region, "asks_school": quiz.asks_school,
        "prizes": [{"name": p.localized_name, "count": p.count, "min_score": p.min_score} for p in quiz.prizes.all()],
        "pow": {"challenge": pow.issue(), "bits": pow.bits()} if pow.enabled() else None,
    })


@api
@require_http_methods(["POST"])
@hot
def api_start(request, claims, code):
    claims = _require_participant(claims)
    cfg = _config_or_404(code)
    if pow.enabled():
        pow.check(_json_body(request))
    entry, resumed = play.start(cfg, claims, language=get_language())
    body = {"attempt": entry["t"], "resumed": resumed, "questions_url": reverse("quiz:api_attempt", args=[entry["t"]]),
            "deadline": datetime.datetime.fromtimestamp(entry["d"], datetime.UTC).isoformat()}
    return JsonResponse(body, status=200 if resumed else 201)


@api
@require_http_methods(["GET"])
@hot
def api_attempt(request, claims, token):
    entry = play.owned_entry(token, _require_participant(claims), request.quiz_prefetched)
    cfg = play.config(quiz_id=entry["q"])
    return HttpResponse(play.dumps(play.public_paper(cfg, entry)), content_type="application/json")


@api
@require_http_methods(["POST"])
@hot
def api_submit(request, claims, token):
    entry = play.owned_entry(token, _require_participant(claims), request.quiz_prefetched)
    cfg = play.config(quiz_id=entry["q"])
    data = _json_body(request)
    if entry["st"] != AttemptStatus.OPEN:
        outcome = play.stored_result(token)
    else:
        outcome = play.submit(cfg, entry, data.get("answers"))
    if outcome is None:
        raise play.PlayError("not_found", _("This attempt does not exist."), status=404)
    body = play.result_json(cfg, entry, outcome)
    if outcome.status != AttemptStatus.SUBMITTED:
        body["questions"] = []  # a rejected submission does not reveal the key
        body["detail"] = str(_("Submitted too late.") if outcome.flag == "late" else _("Submitted too fast."))
    return HttpResponse(play.dumps(body), content_type="application/json",
                        status=200 if outcome.status == AttemptStatus.SUBMITTED else 422)

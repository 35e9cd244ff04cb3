"""Schools: the "five ones" coverage per region and term, and the school reporter's own-school scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jindu.common.testing import create_user, region

from .. import selectors, services
from ..choices import FIVE_ONES
from ..models import School, SchoolActivity
from . import factories as f

pytestmark = pytest.mark.django_db


def tick_all(school, term="2024-spring", students=None, kinds=FIVE_ONES):
    for kind in kinds:
        f.activity(school, kind, term=term, students=students or school.students)


def test_coverage_per_region_and_term():
    # Lhasa (540100): Chengguan 540102 two schools, one complete; Doilungdêqên 540103 one complete school.
    # Shigatse (540200): one school with four of five; Ngari: none.
    a = f.school("540102", students=1200)
    b = f.school("540102", students=800)
    c = f.school("540103", students=500)
    d = f.school("540202", students=300)
    tick_all(a, students=1000)
    f.activity(a, "essay", students=1150)  # a contest counts for students reached, not for the five
    tick_all(b, kinds=FIVE_ONES[:4], students=700)
    tick_all(c, students=450)
    tick_all(d, kinds=FIVE_ONES[1:], students=300)
    tick_all(b, term="2023-autumn", students=800)  # another term: not counted
    f.activity(b, "class_meeting", term="2024-spring", students=90)  # completes b in 2024-spring
    coverage = selectors.school_coverage("2024-spring", region("540000"))
    rows = {row["region"].code: row for row in coverage["rows"]}
    assert set(rows) == {"540100", "540200", "540300", "540400", "540500", "540600", "542500"}
    assert (rows["540100"]["schools"], rows["540100"]["complete"], rows["540100"]["share"]) == (3, 3, 1.0)
    assert rows["540100"]["students"] == 2500 and rows["540100"]["reached"] == 1150 + 700 + 450
    assert (rows["540200"]["schools"], rows["540200"]["complete"], rows["540200"]["share"]) == (1, 0, 0.0)
    assert rows["542500"]["schools"] == 0 and rows["542500"]["share"] is None
    total = coverage["total"]
    assert (total["schools"], total["complete"], total["share"], total["reached"]) == (4, 3, 0.75, 2600)
    # One level down: the counties of Lhasa.
    lhasa = {row["region"].code: row for row in selectors.school_coverage("2024-spring", region("540100"))["rows"]}
    assert (lhasa["540102"]["complete"], lhasa["540102"]["schools"]) == (2, 2)
    assert (lhasa["540103"]["complete"], lhasa["540103"]["schools"]) == (1, 1)
    # A county has no rows below it: only the total.
    county = selectors.school_coverage("2024-spring", region("540102"))
    assert county["rows"] == [] and county["total"]["complete"] == 2


def test_coverage_follows_the_users_scope():
    f.school("540102")
    f.school("542523")
    officer = create_user("cg", ["county_officer"], "540102")
    total = selectors.school_coverage("2024-spring", region("540000"), officer)["total"]
    assert total["schools"] == 1


def test_coverage_api_and_page(client, officer):
    school = f.school("540102", students=1000)
    tick_all(school)
    client.force_login(officer)
    data = client.get("/api/v1/outreach/schools/coverage/2024-spring").json()
    assert data["total"]["complete"] == 1 and data["total"]["share"] == 1.0
    assert client.get("/api/v1/outreach/schools/coverage/2024-spring?region=540100").json()["rows"][0]["region"] \
        == "540102"
    page = client.get(reverse("outreach:index") + "?term=2024-spring")
    assert page.status_code == 200 and page.context["coverage"]["total"]["complete"] == 1


@pytest.fixture
def reporter():
    """A school reporter of school A (Chengguan); school B is in the same county."""
    school_a = f.school("540102", name="拉萨市第一中学")
    school_b = f.school("540102", name="拉萨市第二中学")
    user = create_user("reporter", ["school_reporter"], "540102", organisation=school_a.organisation)
    return user, school_a, school_b


def test_school_reporter_sees_only_their_school(client, reporter):
    user, school_a, school_b = reporter
    assert list(School.objects.restrict(user)) == [school_a]
    own, other = f.activity(school_a), f.activity(school_b)
    assert list(SchoolActivity.objects.restrict(user)) == [own]
    client.force_login(user)
    assert client.get(reverse("outreach:school", args=[school_a.pk])).status_code == 200
    assert client.get(reverse("outreach:school", args=[school_b.pk])).status_code == 404
    assert client.get(reverse("outreach:schoolactivity", args=[other.pk])).status_code == 404
    assert client.get(f"/api/v1/outreach/schools/{school_b.pk}").status_code == 404
    assert [row["id"] for row in client.get("/api/v1/outreach/schools").json()["items"]] == [school_a.pk]
    # Other outreach records are not theirs at all.
    assert client.get(reverse("outreach:event_list")).status_code == 403


def test_school_reporter_ticks_only_their_school(client, reporter):
    user, school_a, school_b = reporter
    data = {"term": "2024-spring", "activity": "lecture", "held_on": f.D(2024, 3, 5), "students": 300}
    services.school_activity_create(actor=user, data={**data, "school": school_a})
    with pytest.raises(PermissionDenied):
        services.school_activity_create(actor=user, data={**data, "school": school_b})
    client.force_login(user)
    form = client.get(reverse("outreach:schoolactivity_add")).context["form"]
    assert list(form.fields["school"].queryset) == [school_a]
    response = client.post("/api/v1/outreach/school-activities", data={
        "school_id": school_b.pk, "term": "2024-spring", "activity": "film", "held_on": "2024-03-06",
        "students": 10}, content_type="application/json")
    assert response.status_code == 404
    response = client.post("/api/v1/outreach/school-activities", data={
        "school_id": school_a.pk, "term": "2024-spring", "activity": "film", "held_on": "2024-03-06",
        "students": 10}, content_type="application/json")
    assert response.status_code == 201
    assert not SchoolActivity.objects.filter(school=school_b).exists()


def test_school_reporter_edits_profile_not_organisation(client, reporter):
    user, school_a, _ = reporter
    client.force_login(user)
    form = client.get(reverse("outreach:school_edit", args=[school_a.pk])).context["form"]
    assert set(form.fields) == {"level", "students", "version"}
    response = client.post(reverse("outreach:school_edit", args=[school_a.pk]),
                           {"level": "high", "students": 1500, "version": school_a.version})
    assert response.status_code == 302
    school_a.refresh_from_db()
    assert (school_a.level, school_a.students, school_a.version) == ("high", 1500, 2)
    stale = client.post(reverse("outreach:school_edit", args=[school_a.pk]),
                        {"level": "middle", "students": 1400, "version": 1})
    assert stale.status_code == 409


def test_officer_in_the_reporter_role_keeps_the_region_scope(reporter):
    _, school_a, school_b = reporter
    both = create_user("both", ["county_officer", "school_reporter"], "540102", organisation=school_a.organisation)
    assert set(School.objects.restrict(both)) == {school_a, school_b}


def test_school_create_makes_the_organisation(officer):
    school = services.school_create(actor=officer, name="日喀则市上海实验学校", region=region("540202"),
                                    level="middle", students=2400)
    assert school.organisation.kind == "school" and school.region.code == "540202"
    with pytest.raises(ValidationError):
        services.school_create(actor=officer, name="日喀则市上海实验学校", region=region("540202"), level="middle")
    f.organisation("日喀则市禁毒办", "540202", kind="ncc_office")
    with pytest.raises(ValidationError, match="another kind"):
        services.school_create(actor=officer, name="日喀则市禁毒办", region=region("540202"), level="middle")


def test_activity_date_must_lie_in_the_term(officer):
    school = f.school("540102")
    with pytest.raises(ValidationError) as error:
        services.school_activity_create(actor=officer, data={"school": school, "term": "2024-spring",
                                                             "activity": "film", "held_on": f.D(2024, 9, 1),
                                                             "students": 10})
    assert "held_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.school_activity_create(actor=officer, data={"school": school, "term": "2024-summer",
                                                             "activity": "film", "held_on": f.D(2024, 3, 1),
                                                             "students": 10})


def test_school_page_shows_the_checklist(client, officer):
    school = f.school("540102")
    tick_all(school, kinds=FIVE_ONES[:3])
    client.force_login(officer)
    page = client.get(reverse("outreach:school", args=[school.pk]) + "?term=2024-spring")
    assert [bool(tick) for _kind, tick in page.context["five_ones"]] == [True, True, True, False, False]
    assert page.context["complete"] is False

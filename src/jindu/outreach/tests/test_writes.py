"""Writes of the outreach records through the API and the pages: idempotent creation, versions (409 stale,
428 missing), void with a reason and restore; the running time of uploaded videos; per-row import scope."""

import pytest
from django.urls import reverse

from jindu.common.importing import get, run_import
from jindu.common.testing import create_user

from .. import services, uploads
from ..models import BaseUpgrade, Campaign, ContestEntry, EducationBase, Event, ModelSchoolReview, VideoContest
from . import factories as f

pytestmark = pytest.mark.django_db

API = "/api/v1/outreach"


def post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", headers=headers)


def put(client, url, body, **headers):
    return client.put(url, body, content_type="application/json", headers=headers)


def delete(client, url, body):
    return client.delete(url, body, content_type="application/json")


CREATIONS = [
    (
        "/campaigns",
        Campaign,
        {
            "name": "2024年6.26宣传",
            "region_code": "540102",
            "start_on": "2024-06-01",
            "end_on": "2024-06-30",
            "target_events": 20,
        },
        {"target_events": 30},
    ),
    (
        "/bases",
        EducationBase,
        {"name": "城关区禁毒教育基地", "region_code": "540102", "level": "county"},
        {"address": "拉萨市城关区"},
    ),
    (
        "/reviews",
        ModelSchoolReview,
        {"name": "2025年示范学校评审", "region_code": "540102", "year": 2025},
        {"pass_mark": "80"},
    ),
    (
        "/contests",
        VideoContest,
        {
            "name": "2025短视频征集",
            "theme": "拒绝第一口",
            "region_code": "540102",
            "opens_on": "2025-04-01",
            "closes_on": "2025-05-31",
            "select_count": 5,
            "max_duration_seconds": 300,
        },
        {"select_count": 8},
    ),
]


@pytest.mark.parametrize(("path", "model", "body", "change"), CREATIONS, ids=[c[0] for c in CREATIONS])
def test_create_update_void_through_the_api(client, county_officer, path, model, body, change):
    client.force_login(county_officer)
    first = post(client, API + path, body, **{"Idempotency-Key": "k-" + path})
    assert first.status_code == 201, first.content
    again = post(client, API + path, body, **{"Idempotency-Key": "k-" + path})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert model.objects.count() == 1
    pk, version = first.json()["id"], first.json()["version"]
    assert put(client, f"{API}{path}/{pk}", body | change).status_code == 428
    updated = put(client, f"{API}{path}/{pk}", body | change | {"version": version})
    assert updated.status_code == 200 and updated.json()["version"] == version + 1
    stale = put(client, f"{API}{path}/{pk}", body | {"version": version})
    assert stale.status_code == 409 and stale.json()["current_version"] == version + 1
    assert delete(client, f"{API}{path}/{pk}", {"reason": ""}).status_code == 422
    assert delete(client, f"{API}{path}/{pk}", {"reason": "重复录入"}).status_code == 204
    assert client.get(f"{API}{path}/{pk}").status_code == 404
    assert model.all_objects.get(pk=pk).void_reason == "重复录入"


def test_api_writes_stay_in_the_callers_region(client, county_officer):
    client.force_login(county_officer)
    other = {"name": "噶尔县禁毒教育基地", "region_code": "542523", "level": "county"}
    assert post(client, API + "/bases", other).status_code == 403
    base = f.base("542523")
    upgrade = {"base_id": base.pk, "title": "展厅改造", "budget": "1000"}
    assert post(client, API + "/base-upgrades", upgrade).status_code == 404  # the base does not exist for them
    own = f.base("540102")
    created = post(client, API + "/base-upgrades", upgrade | {"base_id": own.pk})
    assert created.status_code == 201 and BaseUpgrade.objects.get().base == own
    moved = put(
        client,
        f"{API}/bases/{own.pk}",
        {"name": own.name, "region_code": "542523", "level": "county", "version": own.version},
    )
    assert moved.status_code == 404
    own.refresh_from_db()
    assert own.region.code == "540102"


def test_entries_through_the_api_with_a_video_of_checked_duration(client, county_officer):
    contest = f.contest("540000", max_duration_seconds=180)
    client.force_login(county_officer)
    body = {
        "contest_id": contest.pk,
        "title": "拒绝第一口",
        "author": "城关区禁毒办",
        "region_code": "540102",
        "submitted_on": "2024-04-20",
    }
    created = post(client, API + "/entries", body, **{"Idempotency-Key": "entry-1"})
    assert created.status_code == 201, created.content
    pk, version = created.json()["id"], created.json()["version"]
    too_long = client.post(
        f"{API}/entries/{pk}/video", {"video": f.mp4_with_duration(181)}, headers={"If-Match": str(version)}
    )
    assert too_long.status_code == 422 and "181" in str(too_long.json())
    ok = client.post(
        f"{API}/entries/{pk}/video", {"video": f.mp4_with_duration(179.5)}, headers={"If-Match": str(version)}
    )
    assert ok.status_code == 200 and ok.json()["has_video"] and float(ok.json()["video_seconds"]) == 179.5
    assert delete(client, f"{API}/entries/{pk}", {"reason": "作者撤回"}).status_code == 204
    assert not ContestEntry.objects.filter(pk=pk).exists()


def test_video_duration_is_read_from_the_container():
    assert uploads.video_duration(f.mp4_with_duration(95), "video/mp4") == 95
    assert uploads.video_duration(f.mp4_with_duration(3600.5, timescale=90000, version=1), "video/mp4") == 3600.5
    assert uploads.video_duration(f.webm_with_duration(42.25), "video/webm") == pytest.approx(42.25)
    assert uploads.video_duration(f.mp4_upload(), "video/mp4") is None  # no movie header


def test_a_video_over_the_contests_limit_is_refused_with_a_clear_message(officer):
    from django.core.exceptions import ValidationError

    contest = f.contest("540000", max_duration_seconds=300)
    data = {
        "contest": contest,
        "title": "长视频",
        "author": "作者",
        "region": f.region("540102"),
        "submitted_on": f.D(2024, 4, 10),
    }
    with pytest.raises(ValidationError) as error:
        services.entry_submit(actor=officer, data=data, video=f.mp4_with_duration(301))
    assert error.value.messages == ["The video runs 301 seconds; this contest takes videos of at most 300 seconds."]
    with pytest.raises(ValidationError, match="cannot be read"):
        services.entry_submit(actor=officer, data=data, video=f.mp4_upload())
    with pytest.raises(ValidationError, match="301 seconds"):
        services.entry_submit(actor=officer, data=data, video=f.webm_with_duration(300.6))
    entry = services.entry_submit(actor=officer, data=data, video=f.mp4_with_duration(300))
    assert entry.video_seconds == 300 and not ContestEntry.objects.exclude(pk=entry.pk).exists()


def test_void_and_restore_on_the_pages(english_client, county_officer):
    event = f.event("540102")
    english_client.force_login(county_officer)
    url = reverse("outreach:event_delete", args=[event.pk])
    assert english_client.post(url, {"reason": "", "version": event.version}).status_code == 400
    assert english_client.post(url, {"reason": "录入错误", "version": event.version}).status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()
    voided = english_client.get(reverse("outreach:event_voided"))
    assert voided.status_code == 200 and event.ref in voided.content.decode()
    english_client.post(reverse("outreach:event_restore", args=[event.pk]), {"reason": "误删"})
    assert Event.objects.filter(pk=event.pk).exists()


def test_a_stale_edit_form_is_refused(english_client, county_officer):
    campaign = f.campaign("540102")
    english_client.force_login(county_officer)
    form = {
        "name": campaign.name,
        "theme": "other",
        "region": campaign.region.pk,
        "start_on": "2024-01-26",
        "end_on": "2024-03-05",
        "version": campaign.version,
    }
    url = reverse("outreach:campaign_edit", args=[campaign.pk])
    assert english_client.post(url, form | {"target_events": 10}).status_code == 302
    stale = english_client.post(url, form | {"target_events": 99})
    assert stale.status_code == 409
    campaign.refresh_from_db()
    assert campaign.target_events == 10 and campaign.version == 2


def test_entries_cannot_be_withdrawn_once_judging_started(officer):
    from django.core.exceptions import ValidationError

    contest = f.contest("540000", status="judging")
    entry = f.entry(contest)
    with pytest.raises(ValidationError, match="judging has started"):
        services.entry_delete(actor=officer, instance=entry, reason="撤回")


# --- Imports: every row in the importing user's scope -------------------------------------------------


def write_csv(tmp_path, rows, name):
    path = tmp_path / name
    path.write_bytes(("\r\n".join(",".join(row) for row in rows) + "\r\n").encode("utf-8"))
    return path


def test_every_row_of_another_region_is_reported_with_its_region(tmp_path, county_officer):
    rows = [
        ["ref", "region_code", "on", "kind", "venue", "reached"],
        ["OK-1", "540102", "2024-02-01", "village", "某村", "30"],
        ["G-1", "542523", "2024-02-01", "village", "噶尔县某村", "30"],
        ["G-2", "540302", "2024-02-02", "market", "卡若区市场", "50"],
    ]
    result = run_import(get("events"), write_csv(tmp_path, rows, "e.csv"), filename="e.csv", actor=county_officer)
    assert not result.committed and not Event.objects.exists()
    assert [(e.row, e.column) for e in result.errors] == [(3, "region_code"), (4, "region_code")]
    assert "542523" in result.errors[0].message and "540102" in result.errors[0].message
    schools = [["name", "region_code", "level", "students"], ["噶尔县中学", "542523", "middle", "800"]]
    result = run_import(get("schools"), write_csv(tmp_path, schools, "s.csv"), filename="s.csv", actor=county_officer)
    assert not result.committed and "542523" in result.errors[0].message


def test_activities_of_another_regions_school_are_refused_by_name(tmp_path, county_officer):
    f.school("542523", name="噶尔县中学")
    rows = [["school", "term", "activity", "on", "students"], ["噶尔县中学", "2024-spring", "film", "2024-03-06", "10"]]
    result = run_import(
        get("school_activities"), write_csv(tmp_path, rows, "a.csv"), filename="a.csv", actor=county_officer
    )
    assert not result.committed and result.errors[0].column == "school"
    assert "outside your region" in result.errors[0].message


def test_school_reporter_rows_only_for_their_own_school():
    """The dataset's own check (the engine would only apply the region): a school reporter, were they
    given the import permission, resolves only their own school's rows."""
    from jindu.common.importing.datasets import RowError
    from jindu.common.importing.engine import ImportResult, ImportRun

    own, _other = f.school("540102", name="拉萨一中"), f.school("540102", name="拉萨二中")
    reporter = create_user("reporter", ["school_reporter"], "540102", organisation=own.organisation)
    dataset = get("school_activities")
    run = ImportRun(dataset, reporter, ImportResult(dataset=dataset.name, filename="a.csv"))
    row = {"term": "2024-spring", "activity": "film", "on": f.D(2024, 3, 6), "students": 10}
    assert dataset.to_fields({"school": "拉萨一中", **row}, run)["school"] == own
    with pytest.raises(RowError) as error:
        dataset.to_fields({"school": "拉萨二中", **row}, run)
    assert "is not your school" in error.value.message

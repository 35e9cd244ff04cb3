import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jindu.reports.statistics import ZERO, compute

pytestmark = pytest.mark.django_db


def test_every_contract_key_is_present_on_an_empty_database():
    stats = compute("2024-01-01", "2024-06-30")
    assert stats["from"] == "2024-01-01" and stats["to"] == "2024-06-30" and stats["region"] == "540000"
    assert set(stats) == {"from", "to", "region"} | set(ZERO)
    for key, value in ZERO.items():
        assert set(stats[key]) == set(value) if isinstance(value, dict) else isinstance(stats[key], int)
    assert stats["persons"]["test_rate"] is None


def test_cli_prints_the_json_object_alone():
    out = io.StringIO()
    call_command("stats", "--from", "2024-01-01", "--to", "2024-06-30", "--region", "540100", stdout=out)
    stats = json.loads(out.getvalue())
    assert stats["region"] == "540100"


@pytest.mark.parametrize("args", [["--from", "2024-13-01", "--to", "2024-06-30"],
                                  ["--from", "2024-06-30", "--to", "2024-01-01"],
                                  ["--from", "2024-01-01", "--to", "2024-06-30", "--region", "999999"]])
def test_cli_refuses_bad_input(args):
    with pytest.raises(CommandError):
        call_command("stats", *args, stdout=io.StringIO())

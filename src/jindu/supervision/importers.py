"""Import/export dataset of the supervision app: ``tasks`` (ad hoc tasks of the offices, e.g. a year's task list
kept in a spreadsheet until now).

Columns: ref* (the office's own task number), title, issuer (a narcotics control office, by name), assignee (the
responsible unit, by name), region_code, start_on (optional: a new task starts today, or on its deadline if that
is earlier; an existing task keeps its start), deadline, description, target_text, metric
(a figure of the statistics engine, optional) and target_value (needed with a metric).

Every row goes through the app's services (``task_create`` / ``task_update``), so an import obeys the same rules as
the task form: office staff only, the task inside the importer's region (scope-checked per row), an office as the
issuer. Names must match existing organisations: an unknown unit is a bad row (a typo must not create a unit that
then receives tasks). A task's status is never imported (it moves only by reports and reviews); an accepted task is
closed and a row that would change it is a bad row. Tasks of work plans and visits are generated on their pages.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jindu.common.importing import CREATED, UNCHANGED, UPDATED, Column, Dataset, RowError, parsers, register
from jindu.core.choices import OrganisationKind
from jindu.core.models import Organisation

from . import access, services
from .choices import Metric, TaskKind, TaskStatus
from .filtersets import TaskFilterSet
from .models import Task

CHANGEABLE = (
    "title",
    "description",
    "issuer",
    "assignee",
    "region",
    "start_on",
    "deadline",
    "target_text",
    "metric",
    "target_value",
)


def _organisation(run, column, name, kinds):
    """The active organisation called ``name`` among ``kinds`` that the importer may see, else a bad row."""
    queryset = run.restrict(Organisation.objects.filter(name=name, kind__in=kinds, is_active=True))
    found = list(queryset[:2])
    if len(found) != 1:
        raise RowError(
            column,
            _("Unknown organisation: {name}.").format(name=name)
            if not found
            else _("More than one organisation is called {name}.").format(name=name),
        )
    return found[0]


@register
class TaskDataset(Dataset):
    """Coordination tasks (督办任务), keyed by the assigning office's task number."""

    name = "tasks"
    label = gettext_lazy("Coordination tasks")
    model = Task
    natural_key = ("ref",)
    filterset_class = TaskFilterSet
    columns = (
        Column("ref", "任务编号", parsers.Text(max_length=40), required=True, example="DB-2024-001"),
        Column("title", "任务名称", parsers.Text(max_length=200), required=True, example="开展开学第一课禁毒教育"),
        Column(
            "issuer",
            "交办单位",
            parsers.Text(max_length=128),
            required=True,
            field=None,
            example="西藏自治区禁毒委员会办公室",
            help=gettext_lazy("name of a narcotics control office"),
            export=lambda task: task.issuer.name,
        ),
        Column(
            "assignee",
            "责任单位",
            parsers.Text(max_length=128),
            required=True,
            field=None,
            example="自治区教育厅",
            help=gettext_lazy("name of a member unit or a narcotics control office below"),
            export=lambda task: task.assignee.name,
        ),
        Column(
            "region_code",
            "行政区划代码",
            parsers.RegionCode(),
            required=True,
            field="region",
            example="540000",
            export=lambda task: task.region.code,
        ),
        Column("start_on", "开始日期", parsers.Date(), example="2024-02-01"),
        Column("deadline", "完成时限", parsers.Date(), required=True, example="2024-03-31"),
        Column("description", "任务内容", parsers.Text(max_length=4000), example="全区中小学开学第一课讲授禁毒知识"),
        Column("target_text", "目标", parsers.Text(max_length=200), example="覆盖率100%"),
        Column(
            "metric",
            "统计指标",
            parsers.Choice(Metric),
            example="",
            help=gettext_lazy("optional: a figure of the statistics engine shown live beside the target"),
        ),
        Column(
            "target_value",
            "目标值",
            parsers.Decimal(min_value=0),
            example="",
            help=gettext_lazy("with a statistics figure; rates as fractions (1 means all)"),
        ),
    )

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        fields["issuer"] = _organisation(run, "issuer", row["issuer"], [OrganisationKind.NCC_OFFICE])
        fields["assignee"] = _organisation(run, "assignee", row["assignee"], access.ASSIGNABLE_KINDS)
        for name in ("description", "target_text", "metric"):
            if name in fields and fields[name] is None:
                fields[name] = ""
        if fields.get("start_on") is not None and fields["start_on"] > fields["deadline"]:
            raise RowError("deadline", _("The deadline lies before the start."))
        return fields

    def upsert(self, fields, run):
        task = Task.all_objects.select_for_update().filter(ref=fields["ref"]).first()
        try:
            if task is None:
                if fields.get("start_on") is None:  # as on the form: today; a task of the past starts by its deadline
                    fields["start_on"] = min(timezone.localdate(), fields["deadline"])
                services.task_create(actor=run.actor, data={**fields, "kind": TaskKind.AD_HOC})
                return CREATED
            return self._update(task, fields, run)
        except PermissionDenied as error:
            raise RowError("region_code", run.out_of_scope_message()) from error

    def _update(self, task, fields, run):
        if task.voided:
            raise RowError("ref", _("An existing record with this key cannot be changed by an import."))
        if not run.in_scope(task, "view"):
            raise RowError("ref", run.out_of_scope_message())
        if fields.get("start_on") is None:  # an empty start keeps the task's start
            fields.pop("start_on", None)
        wanted = {name: value for name, value in fields.items() if name in CHANGEABLE}
        if wanted["deadline"] < wanted.get("start_on", task.start_on):
            raise RowError("deadline", _("The deadline lies before the start."))
        if all(getattr(task, name) == value for name, value in wanted.items()):
            return UNCHANGED
        if task.status == TaskStatus.ACCEPTED:
            raise RowError("ref", _("An accepted task cannot be changed."))
        services.task_update(actor=run.actor, instance=task, data=wanted)
        return UPDATED

    def export_queryset(self, actor, params=None):
        return super().export_queryset(actor, params).select_related("issuer", "assignee", "region")

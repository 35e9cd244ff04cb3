"""``jindu seal_records``: seal the records the law's conditions now seal (daily job).

Every model with ``SealableModel`` that defines ``sealing_due()`` (a classmethod returning the
rows to seal, the configurable rule) is asked; each row is sealed through ``object_seal`` with
the basis "automatic", audited.
"""

from django.apps import apps
from django.core.management.base import BaseCommand

from jindu.common.context import Source, actor_context
from jindu.common.features import is_sealable
from jindu.common.services import object_seal


class Command(BaseCommand):
    help = "Seal the records that the sealing rules of the models now cover (治安管理处罚法 art. 136)."

    def handle(self, *args, **options):
        with actor_context(source=Source.CLI):
            for model in apps.get_models():
                rule = getattr(model, "sealing_due", None)
                if not is_sealable(model) or rule is None:
                    continue
                count = 0
                for row in rule().filter(sealed=False).order_by("pk").iterator(chunk_size=500):
                    object_seal(actor=None, instance=row, basis=f"automatic: {model._meta.label}.sealing_due")
                    count += 1
                self.stdout.write(f"{model._meta.label}: {count} sealed")

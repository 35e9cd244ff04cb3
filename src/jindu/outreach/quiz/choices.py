"""Choice lists of the quiz. Codes are the import/export contract."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    TRUE_FALSE = "true_false", _("true or false")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("easy")
    MEDIUM = 2, _("medium")
    HARD = 3, _("hard")


class QuestionStatus(models.TextChoices):
    """Only approved questions are served to participants."""

    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")


class QuizStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class TimingRule(models.TextChoices):
    """What happens to a submission that is faster than plausible or later than the time limit."""

    REJECT = "reject", _("reject the submission")
    FLAG = "flag", _("score it, flag it and exclude it from prizes")


class AttemptStatus(models.TextChoices):
    OPEN = "open", _("open")
    SUBMITTED = "submitted", _("submitted")
    REJECTED = "rejected", _("rejected")


class AttemptFlag(models.TextChoices):
    NONE = "", _("none")
    TOO_FAST = "too_fast", _("faster than plausible")
    LATE = "late", _("after the time limit")


class IdentityKind(models.TextChoices):
    PHONE = "phone", _("phone number verified by a code")
    WECHAT = "wechat", _("WeChat-style login")


# The fixed options of a true/false question: (Chinese, Tibetan).
TRUE_FALSE_OPTIONS = [{"zh": "正确", "bo": "ཡང་དག"}, {"zh": "错误", "bo": "ནོར་འཁྲུལ"}]
MAX_OPTIONS = 6
OPTION_LETTERS = "ABCDEF"

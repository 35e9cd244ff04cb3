"""Deployment checks of the platform's own security settings (``jindu check --deploy``)."""

import os

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def security_settings(app_configs, **kwargs):
    problems = []
    if not os.environ.get("JINDU_FIELD_KEYS", "").strip():
        problems.append(Warning(
            "JINDU_FIELD_KEYS is not set: field encryption keys are derived from SECRET_KEY.",
            hint="Set JINDU_FIELD_KEYS (k1:aes256gcm:<base64 of 32 random bytes>) and keep it apart from the "
                 "database; see docs/security.md.", id="jindu.W001"))
    if not os.environ.get("JINDU_BACKUP_KEY", "").strip():
        problems.append(Warning("JINDU_BACKUP_KEY is not set: `jindu backup` cannot encrypt backups.",
                                hint="Set JINDU_BACKUP_KEY (base64 of 32 random bytes).", id="jindu.W002"))
    if not os.environ.get("REDIS_URL", "").strip():
        problems.append(Warning(
            "REDIS_URL is not set: rate limits and second-factor locks are counted per worker process.",
            hint="Set REDIS_URL so that every worker shares the counters.", id="jindu.W005"))
    if not settings.JINDU_2FA_REQUIRED:
        problems.append(Warning("Two-factor login is switched off (JINDU_2FA_REQUIRED).", id="jindu.W003"))
    if settings.SESSION_COOKIE_AGE > 30 * 60 or settings.JINDU_SESSION_MAX_AGE > 12 * 3600:
        problems.append(Warning("Sessions last longer than 30 idle minutes or 12 hours.", id="jindu.W004"))
    return problems

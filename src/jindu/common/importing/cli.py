"""Helpers shared by the ``jindu import`` and ``jindu export`` commands (exit status 2 on bad input)."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from .datasets import SYSTEM, all_datasets, get


def resolve_actor(username):
    """The active user named ``username``, or the built-in system actor when no name is given."""
    if not username:
        return SYSTEM
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not user.is_active:
        raise CommandError(f"no active user named {username!r}", returncode=2)
    return user


def resolve_dataset(name):
    try:
        return get(name)
    except KeyError:
        known = ", ".join(dataset.name for dataset in all_datasets()) or "none"
        raise CommandError(f"unknown dataset {name!r} (known: {known})", returncode=2)

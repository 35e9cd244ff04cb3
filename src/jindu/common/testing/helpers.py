from django.apps import apps

TEST_PASSWORD = "Test-Passw0rd!"


def region(code):
    return apps.get_model("core", "Region").objects.get(code=code)


def create_user(username, roles=(), region_code=None, organisation=None, password=TEST_PASSWORD, **fields):
    """A user with ``roles`` (RoleCode values) scoped to ``region_code``; bypasses the services on purpose
    so that tests can build any situation, including ones the services refuse."""
    User = apps.get_model("core", "User")
    Role = apps.get_model("core", "Role")
    user = User(username=username, region=region(region_code) if region_code else None,
                organisation=organisation, **fields)
    user.set_password(password)
    user.save()
    user.roles.set([Role.objects.get_or_create(code=code)[0] for code in roles])
    return user

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


def totp_now(device, offset_steps=0):
    """The code an authenticator app shows now for ``device`` (a core.TOTPDevice), or ``offset_steps`` later."""
    from django_otp.oath import totp

    return str(totp(device.bin_key, step=device.step, digits=device.digits, drift=offset_steps)).zfill(device.digits)


def confirmed_device(user):
    """The user's confirmed authenticator app, created if missing (as after enrolment)."""
    TOTPDevice = apps.get_model("core", "TOTPDevice")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True, key=TOTPDevice.new_key())
    return device


def mark_second_factor(client, user):
    """Make the client's session one that passed the second factor (as the login's code step does)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    session.save()


def login_with_two_factors(client, user, password=TEST_PASSWORD):
    """The real login: the password form, then a code from the user's authenticator app. Returns the response
    of the code step."""
    import time

    from django.urls import reverse

    response = client.post(reverse("login"), {"username": user.get_username(), "password": password})
    assert response.status_code == 302, response.status_code
    device = confirmed_device(user)
    # A code works once: a second login within the same 30 seconds uses the next step's code, as a
    # person would wait for the app's next code (the device accepts one step ahead).
    now_t = int(time.time() // device.step)
    ahead = max(0, device.last_t - now_t + 1)
    if ahead > device.tolerance:
        type(device).objects.filter(pk=device.pk).update(last_t=now_t - 1)
        ahead = 0
    return client.post(reverse("core:otp_verify"), {"token": totp_now(device, ahead)})

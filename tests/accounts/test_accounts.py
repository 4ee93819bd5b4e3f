"""Signing in and out, the lock-out after wrong passwords, passwords, the profile and the
header's account links; every sign-in, sign-out and failure is logged."""

import logging
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.accounts.people import PASSWORD, make_people

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture(autouse=True)
def empty_cache():
    """The password-reset limits count in the cache: every test starts from nothing."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def auth_log(caplog):
    """Capture the "registry.auth" logger (it does not propagate to the root logger)."""
    logger = logging.getLogger("registry.auth")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="registry.auth")
    yield caplog
    logger.removeHandler(caplog.handler)


def sign_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def signed_in(client):
    return SESSION_KEY in client.session


def test_contract_urls():
    """The sign-in page is at the contract address; the rest live beside it."""
    assert reverse("accounts:login") == LOGIN
    assert reverse("accounts:profile") == "/accounts/profile/"
    assert reverse("accounts:logout") == "/accounts/logout/"
    assert django_settings.LOGIN_URL == LOGIN


def test_sign_in_page_renders_with_labels(client):
    """The form has labelled fields and a way to reset a forgotten password."""
    body = client.get(LOGIN).content.decode()
    assert '<label for="id_username">' in body and '<label for="id_password">' in body
    assert reverse("accounts:password_reset") in body


def test_signing_in_goes_to_the_profile_and_is_logged(client, people, auth_log):
    """A right password signs in and the log names the user and address."""
    response = sign_in(client, "editor-a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert signed_in(client)
    assert "login user=editor-a address=127.0.0.1" in auth_log.text


def test_signing_in_follows_next_on_this_site_only(client, people):
    """`next` takes the user back where they were, never to another site."""
    response = sign_in(client, "editor-a", PASSWORD, next="/manage/clusters/")
    assert response["Location"] == "/manage/clusters/"
    client.logout()
    response = sign_in(client, "editor-a", PASSWORD, next="https://evil.example/")
    assert response["Location"] == "/accounts/profile/"


def test_a_wrong_password_is_refused_and_logged_without_the_password(client, people, auth_log):
    """The form says what is wrong; the log has the username tried, never the password."""
    response = sign_in(client, "editor-a", "wrong password 123")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Please enter a correct username and password" in body
    assert 'value="editor-a"' in body
    assert not signed_in(client)
    assert "login failed user=editor-a address=127.0.0.1" in auth_log.text
    assert "wrong password 123" not in auth_log.text


def test_signing_out_is_a_post_and_is_logged(client, people, auth_log):
    """Sign-out needs POST (a link cannot sign anyone out) and goes to the home page."""
    client.force_login(people.own_editor)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert not signed_in(client)
    assert "logout user=editor-a" in auth_log.text


def test_a_crafted_username_cannot_forge_log_lines(client, people, auth_log):
    """Control characters in a username are replaced before logging."""
    sign_in(client, "x\nlogin user=curator", "nope")
    assert "\nlogin user=curator" not in auth_log.text
    assert "x?login user=curator" in auth_log.text


# Lock-out (django-axes) -------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_for_a_finite_time(client, people, auth_log):
    """After 5 wrong passwords even the right one is refused with a clear message (429);
    once the cool-off has passed, the right password works again."""
    limit = django_settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for attempt in range(1, limit):
        response = sign_in(client, "editor-a", f"wrong {attempt}")
        assert response.status_code == 200, attempt
    response = sign_in(client, "editor-a", "wrong 5")
    assert response.status_code == 429
    assert "Account locked for now" in response.content.decode()

    response = sign_in(client, "editor-a", PASSWORD)
    body = response.content.decode()
    assert response.status_code == 429
    assert not signed_in(client)
    assert "5 wrong sign-in attempts" in body
    assert "even with the right password" in body
    minutes = int(django_settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"Try again in {minutes} minutes." in body
    assert auth_log.text.count("login failed user=editor-a") == limit + 1

    # The cool-off is finite: once it has passed, the right password signs in.
    cool_off = django_settings.AXES_COOLOFF_TIME
    assert isinstance(cool_off, timedelta) and timedelta(0) < cool_off <= timedelta(days=1)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timedelta(minutes=1))
    response = sign_in(client, "editor-a", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_the_lock_is_per_account_and_address(client, people):
    """Another account from the same address can still sign in."""
    for attempt in range(5):
        sign_in(client, "editor-a", f"wrong {attempt}")
    response = sign_in(client, "editor-b", PASSWORD)
    assert response.status_code == 302


# Profile and header -------------------------------------------------------------------------


def test_profile_needs_a_signed_in_user(client):
    """An anonymous visitor is sent to sign in first."""
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/accounts/profile/"


@pytest.mark.parametrize(
    ("role", "agency", "label"),
    [
        ("own_editor", "Agency A", "Agency editor"),
        ("curator", None, "Curator"),
        ("nobody", None, "None"),
    ],
)
def test_profile_shows_username_agency_and_role(client, people, role, agency, label):
    """The profile says who you are, for which agency, in which role."""
    user = people.user(role)
    client.force_login(user)
    body = client.get("/accounts/profile/").content.decode()
    assert user.username in body
    assert f"<dt>Role</dt><dd>{label}</dd>" in body
    if agency:
        assert f"<dt>Agency</dt><dd>{agency}</dd>" in body
    else:
        assert '<dt>Agency</dt><dd><span class="muted">none</span></dd>' in body


def test_header_offers_sign_in_to_anonymous_visitors(client):
    """Anonymous: a Sign in link that comes back to the page."""
    body = client.get("/accounts/profile/", follow=True).content.decode()
    assert f'href="{LOGIN}"' in body or f'href="{LOGIN}?next=' in body
    assert "Sign out" not in body


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (
            "own_editor",
            ["Agency A", "My clusters", "Sign out"],
            ["Review queue", "Data quality", "Sign in"],
        ),
        (
            "curator",
            ["curator", "All clusters", "Review queue", "Data quality", "Sign out"],
            ["Sign in"],
        ),
        (
            "nobody",
            ["nobody", "Sign out"],
            ["My clusters", "Review queue", "Data quality", "Sign in"],
        ),
    ],
)
def test_header_shows_the_agency_and_the_users_links(client, people, role, shown, hidden):
    """Signed in: the agency (or username), the pages of the role, and a Sign out button."""
    client.force_login(people.user(role))
    body = client.get("/accounts/profile/").content.decode()
    nav = body[body.index('<nav class="site-nav"') : body.index("</nav>")]
    for text in shown:
        assert text in nav, text
    for text in hidden:
        assert text not in nav, text
    assert f'<form method="post" action="{reverse("accounts:logout")}">' in nav


# Passwords ----------------------------------------------------------------------------------


def test_changing_the_password(client, people):
    """The signed-in user changes their password; the new one works."""
    client.force_login(people.own_editor)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long password 77",
            "new_password2": "another long password 77",
        },
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    people.own_editor.refresh_from_db()
    assert people.own_editor.check_password("another long password 77")


def test_password_change_errors_are_next_to_the_fields(client, people):
    """A wrong old password is reported at its field and in the summary."""
    client.force_login(people.own_editor)
    body = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "x", "new_password2": "y"},
    ).content.decode()
    assert 'id="id_old_password_error"' in body
    assert 'href="#id_old_password"' in body


def test_resetting_a_forgotten_password_by_e_mail(client, people):
    """The e-mail carries a one-time link; following it sets a new password."""
    response = client.post(reverse("accounts:password_reset"), {"email": "a@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    response = client.get(link.group(1), follow=True)
    assert "Choose a new password" in response.content.decode()
    set_url = response.redirect_chain[-1][0]
    response = client.post(
        set_url,
        {"new_password1": "brand new password 99", "new_password2": "brand new password 99"},
    )
    assert response["Location"] == reverse("accounts:password_reset_complete")
    people.own_editor.refresh_from_db()
    assert people.own_editor.check_password("brand new password 99")


def test_reset_does_not_reveal_whether_an_address_has_an_account(client, people):
    """An unknown address gets the same answer and no e-mail."""
    response = client.post(reverse("accounts:password_reset"), {"email": "who@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


# Limits on password reset and sign-in by address -------------------------------------------

RESET = "/accounts/password/reset/"


def sign_in_from(client, username, password, **meta):
    """Sign in with request headers (REMOTE_ADDR, HTTP_X_FORWARDED_FOR) set."""
    return client.post(LOGIN, {"username": username, "password": password}, **meta)


def test_twenty_reset_requests_for_one_address_send_at_most_three_mails(client, people):
    """Requests beyond the cap per e-mail address get 'Too many requests; try again later'
    (429) and send nothing."""
    cap = django_settings.REGISTRY_PASSWORD_RESET_PER_EMAIL
    assert cap == 3
    statuses = [
        client.post(RESET, {"email": "A@example.org" if n % 2 else "a@example.org"}).status_code
        for n in range(20)
    ]
    assert statuses == [302] * cap + [429] * (20 - cap)
    assert len(mail.outbox) == cap
    response = client.post(RESET, {"email": "a@example.org"})
    assert response.status_code == 429
    assert "Too many requests; try again later." in response.content.decode()
    assert response["Retry-After"] == "3600"


def test_the_cap_is_the_same_for_an_address_without_an_account(client, people):
    """An unknown address is limited alike, so the answers tell nothing about accounts."""
    statuses = [client.post(RESET, {"email": "who@example.org"}).status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert mail.outbox == []


def test_reset_requests_from_one_network_address_are_capped_whatever_the_e_mail(
    client, people, settings
):
    """One client asking for many addresses: past the per-address cap of requests (20 an
    hour), 429 and no mail, even for an address not asked for before."""
    cap = settings.REGISTRY_PASSWORD_RESET_PER_IP
    assert cap == 20
    for n in range(cap):
        assert client.post(RESET, {"email": f"user{n}@example.org"}).status_code == 302
    response = client.post(RESET, {"email": "a@example.org"})
    assert response.status_code == 429
    assert mail.outbox == []
    other = client.post(RESET, {"email": "a@example.org"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302 and len(mail.outbox) == 1


def test_many_usernames_from_one_address_lock_the_address(client, people, auth_log):
    """20 wrong passwords from one address, each for another username, pause signing in
    from that address (429, even with the right password); other addresses are not held."""
    limit = django_settings.AXES_ADDRESS_FAILURE_LIMIT
    assert limit == 20
    for n in range(limit - 1):
        response = sign_in_from(client, f"someone-{n}", "guess", REMOTE_ADDR="10.0.0.7")
        assert response.status_code == 200, n
    response = sign_in_from(client, "someone-else", "guess", REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429

    response = sign_in_from(client, "editor-a", PASSWORD, REMOTE_ADDR="10.0.0.7")
    body = response.content.decode()
    assert response.status_code == 429 and not signed_in(client)
    assert "Signing in is paused for now" in body
    assert "20 wrong sign-in attempts from your address" in body

    response = sign_in_from(client, "editor-a", PASSWORD, REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 302 and signed_in(client)


def test_signing_in_to_ones_own_account_does_not_clear_the_addresss_failures(client, people):
    """A right password for one account clears that account's failures, not those the
    address made on other accounts: the address is still paused at its limit."""
    for n in range(15):
        sign_in_from(client, f"someone-{n}", "guess", REMOTE_ADDR="10.0.0.7")
    assert sign_in_from(client, "editor-b", PASSWORD, REMOTE_ADDR="10.0.0.7").status_code == 302
    client.logout()
    for n in range(15, 19):
        assert (
            sign_in_from(client, f"someone-{n}", "guess", REMOTE_ADDR="10.0.0.7").status_code == 200
        )
    assert sign_in_from(client, "someone-19", "guess", REMOTE_ADDR="10.0.0.7").status_code == 429


def test_behind_a_trusted_proxy_the_address_is_the_forwarded_one(client, people, settings):
    """With REGISTRY_PROXY_COUNT=1 the address is the one the proxy saw (not what the client
    wrote before it), so visitors behind the proxy are told apart: one address locked out
    does not lock out the others."""
    settings.REGISTRY_PROXY_COUNT = 1
    through_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for n in range(20):
        sign_in_from(
            client,
            f"someone-{n}",
            "guess",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.1",
            **through_proxy,
        )
    locked = sign_in_from(
        client, "editor-a", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.1", **through_proxy
    )
    assert locked.status_code == 429
    other = sign_in_from(
        client, "editor-a", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9", **through_proxy
    )
    assert other.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.1"}

"""Write every sign-in, sign-out and failed sign-in to the "registry.auth" logger.

The password never reaches the log: Django cleanses the credentials it sends with
user_login_failed, and we log only the username and the client's address.
"""

import logging

logger = logging.getLogger("registry.auth")


def _clean(text):
    """Return `text` without control characters, so a crafted username cannot forge lines."""
    return "".join(char if char.isprintable() else "?" for char in str(text or ""))[:150]


def client_address(request):
    """Return the address the request came from (through trusted proxies: lockout.client_ip),
    or '-' when there is no request."""
    if request is None:
        return "-"
    from .lockout import client_ip

    return _clean(client_ip(request)) or "-"


def log_login(sender, request, user, **kwargs):
    """Log a successful sign-in."""
    logger.info("login user=%s address=%s", _clean(user.get_username()), client_address(request))


def log_logout(sender, request, user, **kwargs):
    """Log a sign-out (`user` is None when the session had no signed-in user)."""
    name = _clean(user.get_username()) if user is not None else "-"
    logger.info("logout user=%s address=%s", name, client_address(request))


def log_login_failed(sender, credentials, request=None, **kwargs):
    """Log a failed sign-in with the username that was tried (never the password)."""
    logger.warning(
        "login failed user=%s address=%s",
        _clean(credentials.get("username")) or "-",
        client_address(request),
    )

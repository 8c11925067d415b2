"""API token authentication: django-rest-knox, with one database query per request.

knox looks the token up by its key prefix (one query) and then, on every request, lists all of
the user's other tokens to delete the expired ones (a second query). Expired tokens are deleted
by ``accounts.tasks.clear_expired_credentials`` (Celery beat, daily) and at each log-in
(``accounts.services``); an expired token is refused here all the same.
"""

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from knox.signals import token_expired


class TokenAuthentication(auth.TokenAuthentication):
    def _cleanup_token(self, auth_token) -> bool:
        """True when this token has expired (it is deleted and refused); the others are left
        to the sweep."""
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        username = auth_token.user.get_username()
        auth_token.delete()
        token_expired.send(sender=self.__class__, username=username, source="auth_token")
        return True


class TokenScheme(KnoxTokenScheme):
    """The schema describes it as knox's own (``knoxApiToken``)."""

    target_class = "accounts.authentication.TokenAuthentication"

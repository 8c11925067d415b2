"""What the accounts app does when Django says someone logged out."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from accounts.services import revoke_tokens


@receiver(user_logged_out, dispatch_uid="accounts.revoke_tokens_on_logout")
def revoke_tokens_on_logout(sender, request, user, **kwargs):
    """Logging out of the site or the admin ends the account's API tokens too: someone who
    logs out on a shared computer in the computer room expects to be out everywhere."""
    if user is not None:
        revoke_tokens(user)

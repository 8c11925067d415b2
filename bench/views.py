"""The ceilings the exam-day benchmark measures the real views against (bench/urls.py).

Both pass through the site's whole middleware. The write ceiling also does what every API call
does before its own work (the project's token authentication, DRF's parsing of a JSON body)
and then one write, so the save can be held to a fraction of it: the least a save can cost.
"""

from django.http import JsonResponse
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User


def ceiling_json(request):
    """A bare JSON answer: no authentication, no query."""
    return JsonResponse({"ok": True})


class CeilingWriteView(APIView):
    """One UPDATE of one row, the caller's own ``last_login``, in autocommit: the cheapest
    write an authenticated API call can make. The project's default authentication (a token)
    and permission (signed in) apply, as on the exam API."""

    def put(self, request):
        request.data  # noqa: B018 -- parse the body, as the save does
        User.objects.filter(pk=request.user.pk).update(last_login=timezone.now())
        return Response({"ok": True})

    post = put

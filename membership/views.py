"""The learner's own pages of the membership app: 我的发展."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from audit.models import Action
from audit.services import record as record_audit
from membership.models import Person
from membership.selectors import own_file


@login_required
@require_safe
def my_development(request):
    """我的发展: the signed-in person's own file, the next stage's checks and who acts on each.

    Only ever the user's own file (there is no id in the URL to change). Someone without a
    file yet is told how one begins rather than shown an error.
    """
    person = Person.objects.select_related("organization").filter(user=request.user).first()
    if person is None:
        return render(request, "membership/my_development.html", {"file": None})
    record_audit(Action.PERSON_READ, actor=request.user, target=person, details={"view": "own"})
    return render(
        request,
        "membership/my_development.html",
        {"file": own_file(person, on=timezone.localdate())},
    )

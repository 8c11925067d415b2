"""`manage.py seed_demo`: the demo school, loaded only where it cannot touch anyone real.

Each app's ``demo`` module reads and writes its own demo records only (picked by the demo's
numbers, names and place in the trees); on top of that, the command refuses a database that
holds accounts, people, organizations or pages that are not the demo's, so a school's own
database never gets demo people beside its real ones, or demo notices on its site.
"""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from accounts import demo as accounts_demo
from accounts.models import User
from cms import demo as cms_demo
from courses import demo as courses_demo
from membership import demo as membership_demo
from membership.models import Organization, Person, Stage


@dataclass(frozen=True)
class Census:
    """What a database holds that is not the demo school's, and whether the demo is there."""

    accounts: int
    people: int
    organizations: int
    pages: int
    demo_loaded: bool

    @property
    def foreign(self) -> bool:
        return any((self.accounts, self.people, self.organizations, self.pages))


def take_census() -> Census:
    """Count the accounts, people, organizations and pages that are not the demo's.

    Wagtail's own root page and its placeholder "Welcome" page are not counted: every new
    database has them.
    """
    names = accounts_demo.staff_names() | membership_demo.account_names()
    users = User.objects.values_list("username", "full_name").iterator()
    demo_accounts = foreign_accounts = 0
    for username, full_name in users:
        if accounts_demo.is_demo_account(username, full_name, names):
            demo_accounts += 1
        else:
            foreign_accounts += 1

    university = membership_demo.demo_university()
    organizations = Organization.objects.all()
    if university is not None:
        organizations = organizations.exclude(path__startswith=university.path)

    home = cms_demo.demo_home()
    pages = Page.objects.filter(depth__gt=1).exclude(
        depth=2, content_type=ContentType.objects.get_for_model(Page), numchild=0
    )
    if home is not None:
        pages = pages.exclude(path__startswith=home.path)

    return Census(
        accounts=foreign_accounts,
        people=Person.objects.exclude(pk__in=membership_demo.demo_people()).count(),
        organizations=organizations.count(),
        pages=pages.count(),
        demo_loaded=bool(demo_accounts or university or home),
    )


def load_demo_school(*, today: datetime.date, learners: int = 0) -> tuple[int, int]:
    """Add whatever of the demo school is missing; returns (people added, learner accounts
    added). Reads and changes the demo's own records only, so running it again changes
    nothing. The caller decides whether the database is one to load it into (``take_census``).
    """
    password = accounts_demo.DemoPassword()
    staff = accounts_demo.seed_staff(password)
    home = cms_demo.seed_home()
    courses_demo.seed_catalogue(home)
    branches = membership_demo.seed_organizations(organizer=staff["organizer"])
    people = membership_demo.seed_people(
        branches, admin=staff["admin"], password=password, today=today
    )
    cms_demo.seed_sections(home, today=today)
    membership_demo.seed_notices(admin=staff["admin"], today=today)
    activist_username = membership_demo.ACTIVIST_ACCOUNT[0]
    activists = membership_demo.accounts_at(Stage.ACTIVIST)
    candidates = membership_demo.accounts_at(Stage.CANDIDATE)
    courses_demo.seed_cohorts(
        home,
        organizer=staff["organizer"],
        activists=[user for user in activists if user.username != activist_username],
        candidates=candidates,
        activist_account=next((u for u in activists if u.username == activist_username), None),
        today=today,
    )
    courses_demo.seed_exam(home, instructor=staff["instructor"], today=today)
    courses_demo.seed_completion(home, organizer=staff["organizer"], learners=candidates)
    new_learners = 0
    if learners:
        new_learners = accounts_demo.seed_learners(learners, password)
        courses_demo.prepare_learners(home, accounts_demo.demo_learners(learners))
    return people, new_learners


class Command(BaseCommand):
    help = (
        "Load the demo school: home page, news and notices, the course catalogue, organizations, "
        "~40 people at every stage and the demo accounts. Only into an empty database or one "
        "that holds nothing but the demo school; run again, it adds only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--learners",
            type=int,
            default=0,
            metavar="N",
            help="Also create N learner accounts learner0001… for load tests.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load the demo only into an empty database; otherwise say why not and exit "
            "successfully (what `make run` does on every start).",
        )

    @transaction.atomic
    def handle(self, *args, learners: int, if_empty: bool, **options):
        if learners < 0:
            raise CommandError("--learners must be 0 or more.")
        census = take_census()
        if census.foreign:
            message = _(
                "Not loading the demo school: this database holds data that is not the "
                "demo's (accounts: %(accounts)d, people: %(people)d, organizations: "
                "%(organizations)d, pages: %(pages)d). The demo goes only into an empty "
                "database; give it one of its own, e.g. DATABASE_URL=sqlite:///demo.sqlite3. "
                "Nothing was changed."
            ) % {
                "accounts": census.accounts,
                "people": census.people,
                "organizations": census.organizations,
                "pages": census.pages,
            }
            if not if_empty:
                raise CommandError(message)
            self.stdout.write(self.style.WARNING(message))
            return
        if if_empty and census.demo_loaded:
            self.stdout.write(_("The demo school is already loaded: not loading it again."))
            return
        people, new_learners = load_demo_school(today=timezone.localdate(), learners=learners)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo school ready: {people} people added, {new_learners} learner accounts added. "
                f"Demo password: {accounts_demo.DEMO_PASSWORD}"
            )
        )

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import User
from cms import demo as cms_demo
from courses import demo as courses_demo
from membership import demo as membership_demo
from membership.models import Stage


class Command(BaseCommand):
    help = (
        "Load the demo school: home page, news and notices, the course catalogue, organizations, "
        "~40 people at every stage and the demo accounts. Safe to run again: what exists is kept, "
        "only what is missing is added."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--learners",
            type=int,
            default=0,
            metavar="N",
            help="Also create N learner accounts learner0001… for load tests.",
        )

    @transaction.atomic
    def handle(self, *args, learners: int, **options):
        if learners < 0:
            raise CommandError("--learners must be 0 or more.")
        today = timezone.localdate()
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
        courses_demo.seed_cohorts(
            organizer=staff["organizer"],
            activists=[
                u for u in membership_demo.accounts_at(Stage.ACTIVIST) if u.username != "activist"
            ],
            candidates=membership_demo.accounts_at(Stage.CANDIDATE),
            activist_account=User.objects.get(username="activist"),
            today=today,
        )
        courses_demo.seed_exam(instructor=staff["instructor"], today=today)
        courses_demo.seed_completion(organizer=staff["organizer"])
        new_learners = accounts_demo.seed_learners(learners, password) if learners else 0
        if learners:
            courses_demo.prepare_learners(
                list(
                    User.objects.filter(username__startswith="learner").order_by("username")[
                        :learners
                    ]
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo school ready: {people} people added, {new_learners} learner accounts added. "
                f"Demo password: {accounts_demo.DEMO_PASSWORD}"
            )
        )

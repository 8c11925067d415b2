import factory
from django.contrib.auth.models import Group

from accounts.models import User
from membership.models import Organization, Person
from membership.services import add_organization

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"2024{n:06d}")
    full_name = factory.Sequence(lambda n: f"测试{n}号")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


def organization(
    name: str, kind: str = Organization.Kind.BRANCH, parent: Organization | None = None, **fields
):
    return add_organization(parent, name=name, kind=kind, **fields)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    gender = Person.Gender.FEMALE
    ethnicity = "汉族"

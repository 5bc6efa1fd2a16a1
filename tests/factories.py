"""factory_boy factories for members; each app keeps its own in tests/<app>/factories.py."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from members.models import PCN, Membership, Practice, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@practice.example.org")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """A verified primary email, as allauth needs to let them log in (verified=False to skip)."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@lmc.example.org")
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        """StaffFactory(groups=["LMC officers"]) puts the user in those groups."""
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


class PCNFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PCN

    name = factory.Sequence(lambda n: f"Test PCN {n}")
    code = factory.Sequence(lambda n: f"U{n:05d}")


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Test Surgery {n}")
    ods_code = factory.Sequence(lambda n: f"T{n:05d}")
    pcn = factory.SubFactory(PCNFactory)
    postcode = "PR1 1AA"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    practice = factory.SubFactory(PracticeFactory)
    role = Membership.Role.PRACTICE_MANAGER

import factory
from allauth.account.models import EmailAddress

from maillage.accounts.models import Skill, User, Visibility

PASSWORD = "un mot de passe solide 42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    display_name = factory.Faker("name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Mark the e-mail address as verified unless `verified=False` is passed."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Compétence {n}")
    visibility = Visibility.PUBLIC

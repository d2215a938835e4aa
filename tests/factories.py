import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from django.contrib.auth import get_user_model

from portal.models import HomePage, Organisation, StandardPage


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"测试区委党史研究室{n}")
    short_name = factory.LazyAttribute(lambda o: o.name)
    region = "chongqing"
    level = "district"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "川渝党史协作平台"


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = factory.Sequence(lambda n: f"页面{n}")
    introduction = ""

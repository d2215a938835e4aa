import datetime

import factory
from factory.django import DjangoModelFactory

from portal.models import Topic
from research.models import Expert, Milestone, Project, ProjectMember, ProjectOutput
from tests.factories import OrganisationFactory


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"研究主题{n}")
    kind = Topic.Kind.THEME
    slug = factory.Sequence(lambda n: f"research-theme-{n}")


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"川渝联合课题{n}")
    summary = "两地党史部门联合攻关。"
    origin_organisation = factory.SubFactory(OrganisationFactory)
    access_level = "public"
    status = Project.Status.ACTIVE
    start_date = datetime.date(2020, 6, 1)
    planned_end = datetime.date(2030, 6, 30)

    @factory.post_generation
    def lead_organisations(self, create, extracted, **kwargs):
        self.lead_organisations.set(extracted or [self.origin_organisation])

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if extracted:
            self.topics.set(extracted)


class ProjectMemberFactory(DjangoModelFactory):
    class Meta:
        model = ProjectMember

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.LazyAttribute(lambda m: m.project.origin_organisation)
    role = ProjectMember.Role.MEMBER


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"课题节点{n}")
    due_date = datetime.date(2030, 1, 1)


class ProjectOutputFactory(DjangoModelFactory):
    class Meta:
        model = ProjectOutput

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"研究成果{n}")


class ExpertFactory(DjangoModelFactory):
    class Meta:
        model = Expert
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"专家{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    origin_organisation = factory.LazyAttribute(lambda e: e.organisation)
    title = "研究员"

    @factory.post_generation
    def fields(self, create, extracted, **kwargs):
        if extracted:
            self.fields.set(extracted)

import datetime

from publicity.models import Section, Story
from tests.factories import OrganisationFactory


def story_create(*, index, title: str, section_slug: str = "work-news", organisation=None, **values) -> Story:
    """A published story under the index (pages are added through the tree, not factory_boy)."""
    story = Story(
        title=title,
        section=Section.objects.get(slug=section_slug),
        origin_organisation=organisation or OrganisationFactory(),
        publication_date=values.pop("publication_date", datetime.date(2020, 6, 9)),
        summary=values.pop("summary", f"{title}的摘要。"),
        body=values.pop("body", [{"type": "paragraph", "value": f"<p>{title}的正文。</p>"}]),
        **values,
    )
    index.add_child(instance=story)
    story.save_revision().publish()
    return story

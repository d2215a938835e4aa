"""The volume bench/pages.py measures at: bulk inserts of two provinces' records (see its docstring)."""

import datetime as dt
import random

from bench.search import PEOPLE, PLACES, generated_text


def volume_build() -> dict:
    """Bulk-insert the volume of two provinces; returns what was created."""
    from django.db import transaction
    from django.utils import timezone

    from events.models import Event, EventException
    from materials.models import Material, MaterialFile
    from portal.models import Organisation
    from publicity.models import Section, Story, StoryIndexPage
    from research.models import Project
    from training.models import Course, Session

    rng = random.Random(18)
    organisations = list(Organisation.objects.all())
    now = timezone.now()
    access = ["public", "partners", "internal"]
    weights = [8, 1, 1]

    def shared(organisation):
        return {
            "origin_organisation": organisation,
            "origin_region": organisation.region,
            "access_level": rng.choices(access, weights)[0],
        }

    with transaction.atomic():
        materials = []
        for _ in range(10_000):
            title, summary = generated_text(rng)
            materials.append(
                Material(
                    title=title,
                    description=summary,
                    material_type=rng.choice(["archive", "literature", "photo", "paper", "report"]),
                    period=rng.choice(
                        ["new_democratic", "socialist_construction", "reform_and_opening", "new_era"]
                    ),
                    deposited_at=now - dt.timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60)),
                    **shared(rng.choice(organisations)),
                )
            )
        Material.objects.bulk_create(materials, batch_size=2000)
        files = []
        for material in materials:
            for version in range(1, (3 if rng.random() < 0.3275 else 2)):
                files.append(
                    MaterialFile(
                        material=material,
                        version=version,
                        file=f"materials/{material.global_id}/{rng.getrandbits(64):016x}",
                        original_name=f"{material.title[:40]}.pdf",
                        size=rng.randint(10_000, 5_000_000),
                        sha256=f"{rng.getrandbits(256):064x}",
                        content_type="application/pdf",
                    )
                )
        MaterialFile.objects.bulk_create(files, batch_size=2000)

        events, recurring = [], 0
        for n in range(300):
            starts = now + dt.timedelta(days=rng.randint(-3 * 365, 180), hours=rng.randint(0, 10))
            frequency = ""
            if n < 209:
                frequency = rng.choice(["WEEKLY", "MONTHLY", "YEARLY"])
                recurring += 1
            title, summary = generated_text(rng)
            events.append(
                Event(
                    title=title[:200],
                    event_type=rng.choice(["joint_meeting", "symposium", "forum", "visit", "other"]),
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=3),
                    venue=rng.choice(PLACES),
                    city=rng.choice(["成都", "重庆"]),
                    summary=summary,
                    participants="、".join(rng.sample(PEOPLE, 3)),
                    frequency=frequency,
                    interval=1,
                    **shared(rng.choice(organisations)),
                )
            )
        Event.objects.bulk_create(events)
        exceptions = []
        for event in events[:209]:
            if len(exceptions) >= 268:
                break
            step = {"WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}[event.frequency]
            first = timezone.localtime(event.starts_at).date()
            for k in rng.sample(range(1, 6), 2 if len(exceptions) < 59 * 2 else 1):
                original = first + dt.timedelta(days=step * k)
                if event.frequency == "MONTHLY":
                    original = _add_months(first, k)
                elif event.frequency == "YEARLY":
                    original = _add_months(first, 12 * k)
                moved = rng.random() < 0.4
                exceptions.append(
                    EventException(
                        event=event,
                        original_date=original,
                        kind="moved" if moved else "cancelled",
                        new_starts_at=event.starts_at + dt.timedelta(days=step * k + 1) if moved else None,
                        new_ends_at=event.starts_at + dt.timedelta(days=step * k + 1, hours=3)
                        if moved
                        else None,
                    )
                )
        exceptions = exceptions[:268]
        EventException.objects.bulk_create(exceptions)

        projects = []
        for _ in range(200):
            title, summary = generated_text(rng)
            projects.append(
                Project(
                    title=f"{title[:180]}研究",
                    summary=summary,
                    status=rng.choice(["proposed", "active", "completed", "suspended"]),
                    start_date=(now - dt.timedelta(days=rng.randint(0, 1500))).date(),
                    **shared(rng.choice(organisations)),
                )
            )
        Project.objects.bulk_create(projects)
        through = Project.lead_organisations.through
        through.objects.bulk_create(
            [through(project_id=p.pk, organisation_id=rng.choice(organisations).pk) for p in projects]
        )

        courses = [
            Course(
                title=f"{generated_text(rng)[0][:150]}专题培训",
                summary=generated_text(rng)[1],
                **shared(rng.choice(organisations)),
            )  # fmt: skip
            for _ in range(20)
        ]
        Course.objects.bulk_create(courses)
        sessions = []
        for n in range(100):
            course = courses[n % len(courses)]
            starts_on = (now + dt.timedelta(days=rng.randint(-400, 200))).date()
            sessions.append(
                Session(
                    course=course,
                    title=f"第{n + 1}期",
                    starts_on=starts_on,
                    ends_on=starts_on + dt.timedelta(days=4),
                    venue=rng.choice(PLACES),
                    capacity=rng.randint(20, 80),
                    enrolment_opens=now - dt.timedelta(days=60),
                    enrolment_closes=now + dt.timedelta(days=rng.randint(-30, 60)),
                    eligibility="both_regions",
                    origin_region=course.origin_region,
                    origin_organisation=course.origin_organisation,
                    access_level=course.access_level,
                )
            )
        Session.objects.bulk_create(sessions)

    # Stories are Wagtail pages (a tree): added one by one, in batches of one transaction each.
    index = StoryIndexPage.objects.first()
    sections = list(Section.objects.all())
    for start in range(0, 2000, 250):
        with transaction.atomic():
            index.refresh_from_db()
            for n in range(start, start + 250):
                title, summary = generated_text(rng)
                organisation = rng.choice(organisations)
                index.add_child(
                    instance=Story(
                        title=title,
                        slug=f"bench-story-{n}",
                        section=rng.choice(sections) if sections else None,
                        publication_date=(now - dt.timedelta(days=rng.randint(0, 1500))).date(),
                        summary=summary,
                        body=[{"type": "paragraph", "value": f"<p>{summary}</p>"}],
                        live=True,
                        origin_organisation=organisation,
                        origin_region=organisation.region,
                        access_level="public",
                    )
                )
    return {
        "materials": len(materials),
        "file versions": len(files),
        "stories": 2000,
        "events": len(events),
        "recurring": recurring,
        "exceptions": len(exceptions),
        "projects": len(projects),
        "training sessions": len(sessions),
    }


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, 28))

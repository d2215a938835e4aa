from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wagtail.models import Page, Site

from portal import demo_content
from portal.models import HomePage, Organisation, OrganisationIndexPage, SiteIdentity, StandardPage
from portal.modules import modules
from portal.services import organisation_page_ensure, singleton_page_ensure, staff_user_create_or_update


class Command(BaseCommand):
    help = "Create or refresh the demo content of this region (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=demo_content.DEMO_PASSWORD)
        parser.add_argument("--hostname", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument(
            "--module", action="append", dest="only", help="seed only this module's demo (repeatable)"
        )

    def execute(self, *args, **options):
        # Before any connection: demo accounts share a password, which production must never hold.
        if getattr(settings, "PORTAL_REFUSE_DEMO_PASSWORDS", False):
            raise CommandError(
                "seed_demo refuses to run under production settings (demo accounts share a password)"
            )
        return super().execute(*args, **options)

    @transaction.atomic
    def handle(self, *args, password, hostname, port, only=None, **options):
        region = settings.PORTAL_REGION
        organisations = self._organisations()
        home = self._home(region, hostname, port)
        self._pages(home, region, organisations)
        self._staff(region, organisations, password)
        unknown = set(only or ()) - {module.label for module in modules()}
        if unknown:
            raise CommandError(f"seed_demo: no module {', '.join(sorted(unknown))}")
        for module in modules():
            if module.demo_seed is not None and (not only or module.label in only):
                module.demo_seed(region=region, organisations=organisations, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_demo: {region}: {len(organisations)} organisations, "
                f"{len(demo_content.STAFF[region])} staff users, home page “{home.title}”"
            )
        )
        self.stdout.write(
            f"seed_demo: admin login: admin / {password} (also "
            + ", ".join(u[0] for u in demo_content.STAFF[region])
            + " with the same password)"
        )

    def _organisations(self) -> dict[str, Organisation]:
        by_code: dict[str, Organisation] = {}
        for code, name, short, name_en, region, level, parent in demo_content.ORGANISATIONS:
            organisation, _ = Organisation.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "short_name": short,
                    "name_en": name_en,
                    "region": region,
                    "level": level,
                    "parent": by_code.get(parent),
                },
            )
            by_code[code] = organisation
        return by_code

    def _home(self, region: str, hostname: str, port: int | None) -> HomePage:
        root = Page.get_first_root_node()
        texts = demo_content.HOME[region]
        home = HomePage.objects.first()
        if home is None:
            home = HomePage(slug=f"home-{region}")
        for field in ("title", "introduction", "title_en", "introduction_en"):
            setattr(home, field, texts[field])
        if home.pk is None:
            root.add_child(instance=home)
        home.save_revision().publish()
        default_port = port or (8001 if region == "sichuan" else 8002)
        Site.objects.exclude(root_page=home).filter(is_default_site=True).delete()
        site, _created = Site.objects.update_or_create(
            root_page=home,
            defaults={
                "hostname": hostname,
                "port": default_port,
                "site_name": texts["title"],
                "is_default_site": True,
            },
        )
        SiteIdentity.objects.update_or_create(site=site, defaults=demo_content.SITE_IDENTITY[region])
        # Wagtail's placeholder page is replaced by the home page.
        for page in root.get_children().exclude(pk=home.pk):
            if page.specific_class is Page:
                page.delete()
        return home

    def _pages(self, home: HomePage, region: str, organisations: dict[str, Organisation]):
        self._standard_page(
            home,
            "about",
            title=demo_content.ABOUT_TITLE,
            introduction=demo_content.ABOUT_INTRODUCTION,
            title_en=demo_content.ABOUT_TITLE_EN,
            introduction_en=demo_content.ABOUT_INTRODUCTION_EN,
            body=[{"type": "paragraph", "value": html} for html in demo_content.ABOUT_PARAGRAPHS],
        )
        index = singleton_page_ensure(
            model=OrganisationIndexPage,
            parent=home,
            title="成员单位",
            slug="organisations",
            introduction="川渝两地省级、市级和区县级党史部门。",
            title_en="Member organisations",
            introduction_en="Party-history offices of Sichuan and Chongqing at every level.",
        )
        for organisation in organisations.values():
            if organisation.region == region:
                page = organisation_page_ensure(organisation=organisation, parent=index)
                contact = demo_content.ORGANISATION_CONTACTS.get(organisation.code)
                # Filled in once: details an editor has since given are kept.
                if contact and not any(getattr(page, name) for name in contact):
                    for name, value in contact.items():
                        setattr(page, name, value)
                    page.save_revision().publish()

    def _standard_page(self, home, slug, **fields):
        page = StandardPage.objects.child_of(home).filter(slug=slug).first() or StandardPage(
            slug=slug, show_in_menus=True
        )
        for field, value in fields.items():
            setattr(page, field, value)
        if page.pk is None:
            home.add_child(instance=page)
        page.save_revision().publish()

    def _staff(self, region: str, organisations: dict[str, Organisation], password: str):
        user_model = get_user_model()
        admin, created = user_model.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        admin.is_staff = admin.is_superuser = True
        admin.set_password(password)
        admin.save()
        for username, full_name, org_code, roles, position in demo_content.STAFF[region]:
            staff_user_create_or_update(
                username=username,
                organisation=organisations[org_code],
                roles=roles,
                full_name=full_name,
                email=f"{username}@example.org",
                password=password,
                position=position,
            )

"""A Qijiang editor who uploads; print the organisation's primary key."""

from portal.models import Organisation
from portal.services import staff_user_create_or_update


def main():
    org = Organisation.objects.get(code="cq-qijiang")
    staff_user_create_or_update(
        username="smoke_uploader", organisation=org, roles=["editor"], password="pass-word-123"
    )
    print(org.pk)

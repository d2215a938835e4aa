"""Unpublish a story at its origin."""

from publicity.models import Story


def main(*, global_id: str):
    Story.objects.get(global_id=global_id).unpublish()

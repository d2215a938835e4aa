"""What the red-heritage pages hand their map (publicity/static/publicity/js/heritage-map.js).

Tiles come from PORTAL_MAP_TILE_URL; without it, or without a site that has coordinates, there is
no map at all and the pages show addresses and coordinates as text.
"""

from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import gettext as _

LEAFLET = "publicity/vendor/leaflet/"


def heritage_map(*, request, sites, links: bool = True) -> dict | None:
    """The map's data for ``json_script``: a marker per site given (the caller chose what the reader
    may see), each popup linking to its site when ``links``; None when there is nothing to draw."""
    if not settings.PORTAL_MAP_TILE_URL:
        return None
    points = [
        {
            "lat": site.coordinates[0],
            "lng": site.coordinates[1],
            "title": site.title,
            "place": site.address or site.place,
            "url": site.get_url(request) if links else "",
        }
        for site in sites
        if site.coordinates is not None
    ]
    if not points:
        return None
    return {
        "tiles": settings.PORTAL_MAP_TILE_URL,
        "attribution": settings.PORTAL_MAP_ATTRIBUTION,
        "points": points,
        # Named here, not found by Leaflet from its stylesheet: the manifest's hashed names break that.
        "icon": static(LEAFLET + "images/marker-icon.png"),
        "icon_2x": static(LEAFLET + "images/marker-icon-2x.png"),
        "shadow": static(LEAFLET + "images/marker-shadow.png"),
        "zoom_in": _("放大"),
        "zoom_out": _("缩小"),
    }


THUMBNAIL = "fill-480x300"
# The home page's lists: a small photo beside each story and red-heritage highlight.
HOME_THUMBNAIL = "fill-160x100"


def thumbnails_attach(records, *, field: str = "images", spec: str = THUMBNAIL) -> list:
    """The records (red-heritage sites, stories), each with the first photo of its StreamField
    ``field`` as ``thumbnail`` (and ``thumbnail_alt``), its ``spec`` rendition read with it: one query
    for the whole list, where reading each record's photos would cost one a card."""
    from wagtail.images import get_image_model

    records, chosen = list(records), {}
    for record in records:
        block = next((b for b in getattr(record, field).raw_data if b.get("type") == "image"), None)
        image = ((block or {}).get("value") or {}).get("image")
        chosen[record.pk] = image if isinstance(image, dict) else {"image": image}
    ids = {choice["image"] for choice in chosen.values() if choice.get("image")}
    images = get_image_model().objects.prefetch_renditions(spec).in_bulk(ids) if ids else {}
    for record in records:
        choice = chosen[record.pk]
        record.thumbnail = images.get(choice.get("image"))
        if choice.get("decorative") or record.thumbnail is None:
            record.thumbnail_alt = ""
        else:
            record.thumbnail_alt = choice.get("alt_text") or record.thumbnail.default_alt_text
    return records

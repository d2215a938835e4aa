"""StreamField blocks shared by every module. Domain blocks live in their own app."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    heading_text = blocks.CharBlock(label=_("标题"), required=True)
    size = blocks.ChoiceBlock(
        label=_("级别"),
        choices=[("h2", _("二级标题")), ("h3", _("三级标题"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        label = _("小标题")


class ParagraphBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        template = "blocks/paragraph_block.html"
        label = _("段落")


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("图片"))
    # Wagtail labels ImageBlock's own chooser after its name ("Image"), out of gettext's reach.
    image.child_blocks["image"].label = _("图片")
    caption = blocks.CharBlock(label=_("图注"), required=False)
    attribution = blocks.CharBlock(label=_("来源"), required=False)

    class Meta:
        icon = "image"
        template = "blocks/captioned_image_block.html"
        label = _("图片")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("引文"))
    attribution = blocks.CharBlock(label=_("出处"), required=False)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        label = _("引文")


class MediaEmbedBlock(EmbedBlock):
    class Meta:
        icon = "media"
        template = "blocks/media_embed_block.html"
        label = _("嵌入媒体")


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    embed = MediaEmbedBlock()

    class Meta:
        icon = "doc-full"
        template = "blocks/base_stream_block.html"
        label = _("正文")

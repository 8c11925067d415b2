"""Every StreamField block of the site. Pages in other apps import their block lists from here."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock
from wagtailmedia.blocks import AudioChooserBlock, VideoChooserBlock

TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        label=_("tone"),
        choices=[("info", _("Information")), ("important", _("Important")), ("tip", _("Tip"))],
        default="info",
    )
    title = blocks.CharBlock(label=_("title"), required=False, max_length=80)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "cms/blocks/callout.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quotation"))
    source = blocks.CharBlock(label=_("source"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quotation")
        template = "cms/blocks/quote.html"


# Titles an editor leaves as the product's own heading: shown in the reader's language.
STANDARD_KEY_POINTS_TITLES = {"", "本课要点", "要点", "Key points", "Key points of this lesson"}


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        label=_("title"),
        required=False,
        max_length=80,
        help_text=_("Leave empty for the standard heading (本课要点 / Key points of this lesson)."),
    )
    points = blocks.ListBlock(blocks.CharBlock(label=_("point"), max_length=300), label=_("points"))

    class Meta:
        icon = "list-ul"
        label = _("Key points")
        template = "cms/blocks/key_points.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        title = (value.get("title") or "").strip()
        context["title"] = (
            _("Key points of this lesson") if title in STANDARD_KEY_POINTS_TITLES else title
        )
        return context


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """A video from the media library, or one hosted elsewhere (embedded by its address)."""

    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    video = VideoChooserBlock(label=_("uploaded video"), required=False)
    embed = EmbedBlock(label=_("or the address of a hosted video"), required=False)
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "cms/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("video")) == bool(value.get("embed")):
            message = _("Choose an uploaded video or give the address of a hosted one, not both.")
            raise StructBlockValidationError(non_block_errors=[ValidationError(message)])
        return value


class AudioBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    audio = AudioChooserBlock(label=_("audio"))
    transcript = blocks.TextBlock(label=_("transcript"), required=False)

    class Meta:
        icon = "media"
        label = _("Audio")
        template = "cms/blocks/audio.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(
        label=_("link text"),
        required=False,
        max_length=120,
        help_text=_("Defaults to the document's title."),
    )
    description = blocks.CharBlock(label=_("description"), required=False, max_length=250)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "cms/blocks/document.html"


class LinkCardBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=40)
    description = blocks.CharBlock(label=_("description"), required=False, max_length=120)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.URLBlock(label=_("or address"), required=False)

    class Meta:
        icon = "link"
        label = _("Link card")
        template = "cms/blocks/link_card.html"


def body_blocks() -> list[tuple[str, blocks.Block]]:
    """The blocks of an article or a lesson. A function: each StreamField gets its own instances."""
    return [
        ("text", blocks.RichTextBlock(label=_("Text"), features=TEXT_FEATURES)),
        ("image", ImageWithCaptionBlock()),
        ("video", VideoBlock()),
        ("audio", AudioBlock()),
        ("document", DocumentBlock()),
        ("quote", QuoteBlock()),
        ("key_points", KeyPointsBlock()),
        ("callout", CalloutBlock()),
    ]


def notice_blocks() -> list[tuple[str, blocks.Block]]:
    """An article's blocks and a table: a public notice lists its people in one."""
    return [
        *body_blocks(),
        ("table", TableBlock(label=_("Table"), template="cms/blocks/table.html")),
    ]


def home_blocks() -> list[tuple[str, blocks.Block]]:
    return [
        ("text", blocks.RichTextBlock(label=_("Text"), features=TEXT_FEATURES)),
        ("callout", CalloutBlock()),
        ("quote", QuoteBlock()),
        (
            "links",
            blocks.ListBlock(
                LinkCardBlock(), label=_("Link cards"), template="cms/blocks/link_cards.html"
            ),
        ),
    ]

"""About the data: fixtures/SOURCES.md shown as plain paragraphs."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

# About the data ---------------------------------------------------------------------------

SOURCES_FILE = settings.BASE_DIR / "fixtures" / "SOURCES.md"


@dataclass(frozen=True)
class TextBlock:
    """A block of fixtures/SOURCES.md: a heading (level 2 or 3), a paragraph or a list."""

    kind: str
    html: str = ""
    level: int = 0
    items: tuple = ()


def _inline(text):
    """Return `text` escaped, with `code` spans as <code>: the only markup we honour."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text)))


def text_blocks(source):
    """Split Markdown-like text into TextBlocks: '#' headings (shifted one level down, under
    the page's h1), '- ' lists and paragraphs separated by blank lines; the rest is text."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", source.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("#"):
            marks, _, title = lines[0].partition(" ")
            level = min(len(marks) + 1, 4)
            blocks.append(TextBlock("heading", _inline(title.strip()), level=level))
            lines = lines[1:]
            if not lines:
                continue
        if all(line.startswith(("- ", "* ")) for line in lines):
            blocks.append(TextBlock("list", items=tuple(_inline(line[2:]) for line in lines)))
        else:
            blocks.append(TextBlock("paragraph", _inline(" ".join(lines))))
    return blocks


class AboutDataView(TemplateView):
    """Where the figures come from: fixtures/SOURCES.md shown as plain paragraphs."""

    template_name = "public/about_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            source = SOURCES_FILE.read_text(encoding="utf-8")
        except OSError:
            source = ""
        context.update(blocks=text_blocks(source))
        return context

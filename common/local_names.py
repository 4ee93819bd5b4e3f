"""A record's names in the site's other languages, beside the English one (issue 16).

A record keeps the name it was entered with (English, the default language) and may carry
its name in each other language the site is configured for, as a JSON object on the record
itself: `local_names = {"hi": "लुधियाना का होज़री क्लस्टर"}`. Why a JSONField rather than a
row per language in a small model:

- no code or migration when a language is added: a language named in `settings.LANGUAGES`
  (REGISTRY_LANGUAGES) becomes a key, and the forms grow an input for it;
- the names travel with the record: the history (django-simple-history copies the row),
  the revisions of a published cluster and the API carry them with no extra model, and a
  list shows them with no extra query (the query counts of the lists stay as they are);
- one index serves every language: a trigram index over the JSON text (its values appear
  there as written) answers the `q` search, rechecked on each language's value.

The keys are checked against `settings.LANGUAGES` (other than the default language), the
values are one line of text each; a blank value is dropped, so "no name" is a missing key.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 300


def base_code(code):
    """Return the language of `code` without its region ("hi" for "hi-in")."""
    return (code or "").lower().split("-")[0]


def other_language_codes():
    """Return the codes of the configured languages other than the default, in order."""
    default = base_code(settings.LANGUAGE_CODE)
    return [code for code, _name in settings.LANGUAGES if base_code(code) != default]


def language_name(code):
    """Return the name of language `code` in that language ("हिंदी" for "hi")."""
    return get_language_info(code)["name_local"]


def clean_local_names(value):
    """Return `value` with blank names dropped and spaces trimmed, or raise ValidationError
    for anything but {configured other language: one line of text}."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationError(
            _("Names in other languages must be given as {language code: name}."),
            code="invalid_local_names",
        )
    allowed = other_language_codes()
    cleaned = {}
    for code, name in value.items():
        if code not in allowed:
            raise ValidationError(
                _("“%(code)s” is not one of the site's other languages (%(allowed)s)."),
                code="unknown_language",
                params={"code": code, "allowed": ", ".join(allowed)},
            )
        if not isinstance(name, str) or "\n" in name:
            raise ValidationError(
                _("The name in %(language)s must be one line of text."),
                code="invalid_local_name",
                params={"language": language_name(code)},
            )
        name = " ".join(name.split())
        if len(name) > MAX_LENGTH:
            raise ValidationError(
                _("The name in %(language)s is longer than %(max)s characters."),
                code="local_name_too_long",
                params={"language": language_name(code), "max": MAX_LENGTH},
            )
        if name:
            cleaned[code] = name
    return cleaned


def validate_local_names(value):
    """Model field validator: raise ValidationError unless `value` is valid local names."""
    clean_local_names(value)


def local_names_matching(word):
    """Return the condition "a name in another language contains `word`": on PostgreSQL
    the JSON text contains it (what a trigram index over `local_names` answers: migrations
    clusters 0016, stakeholders 0014), and so does one of its values (a recheck, so that
    the word "hi" does not match every record by its key). Elsewhere only the values are
    read: SQLite keeps the JSON text with its non-ASCII letters escaped."""
    in_values = models.Q(pk__in=[])
    for code in other_language_codes():
        in_values |= models.Q(**{f"local_names__{code}__icontains": word})
    if connection.vendor != "postgresql":
        return in_values
    return models.Q(local_names__icontains=word) & in_values


def local_name(names, language):
    """Return the name in `language` (a code such as "hi" or "hi-in") from `names`, or ""."""
    if not names or not language:
        return ""
    wanted = base_code(language)
    for code, name in names.items():
        if base_code(code) == wanted:
            return name
    return ""


class LocalNamesWidget(forms.MultiWidget):
    """One text input per other language, each labelled in its language's own name and
    marked with its `lang` (so a screen reader and the browser's spelling read it as such)."""

    def __init__(self, attrs=None):
        self.codes = other_language_codes()
        widgets = [forms.TextInput(attrs={"lang": code, "dir": "auto"}) for code in self.codes]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        value = value if isinstance(value, dict) else {}
        return [value.get(code, "") for code in self.codes]

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        parts = [
            format_html(
                '<span class="local-name"><label for="{}" lang="{}">{}</label> {}</span>',
                subwidget["attrs"].get("id", ""),
                code,
                language_name(code),
                self.widgets[index].render(
                    subwidget["name"], subwidget["value"], subwidget["attrs"], renderer
                ),
            )
            for index, (code, subwidget) in enumerate(
                zip(self.codes, context["widget"]["subwidgets"], strict=True)
            )
        ]
        # Each part was escaped by format_html.
        return mark_safe(" ".join(str(part) for part in parts))


class LocalNamesField(forms.MultiValueField):
    """The record's name in each other language, cleaned to {language code: name}."""

    widget = LocalNamesWidget
    default_help_text = _(
        "Optional: the name as it is written in each language; the English name stays."
    )

    def __init__(self, **kwargs):
        codes = other_language_codes()
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Names in other languages"))
        kwargs.setdefault("help_text", self.default_help_text)
        fields = [forms.CharField(required=False, max_length=MAX_LENGTH) for _code in codes]
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        super().__init__(fields=fields, require_all_fields=False, **kwargs)
        self.codes = codes

    def compress(self, data_list):
        return clean_local_names(dict(zip(self.codes, data_list or [], strict=False)))


class LocalNamesModelField(models.JSONField):
    """A JSONField of local names: {} by default, validated, edited with LocalNamesField."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbose_name", _("names in other languages"))
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("validators", [validate_local_names])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("validators") == [validate_local_names]:
            del kwargs["validators"]
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return LocalNamesField(
            required=not self.blank,
            label=capfirst(self.verbose_name),
            help_text=self.help_text or LocalNamesField.default_help_text,
        )


def reader_name(names, language=None):
    """Return (name, language code) of a record's name in the reader's language (default:
    the active one), or ("", "") when that is the default language or the record has none."""
    language = language or get_language()
    if base_code(language) == base_code(settings.LANGUAGE_CODE):
        return "", ""
    name = local_name(names, language)
    return (name, base_code(language)) if name else ("", "")
